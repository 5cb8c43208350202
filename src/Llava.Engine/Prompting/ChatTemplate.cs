using Llava.Engine.Templating;
using Llava.Engine.Templating.Syntax;

namespace Llava.Engine.Prompting;

/// <summary>
/// A model's chat template, rendering conversations into the prompt text exactly as Hugging Face's
/// <c>apply_chat_template</c> would (image placeholders are not expanded here; that happens on token ids).
/// </summary>
public sealed class ChatTemplate
{
    private readonly JinjaTemplate _template;
    private readonly IReadOnlyDictionary<string, string> _specialTokens;
    private readonly TimeProvider _clock;

    /// <summary>LLaVA's image token as text; <see cref="PromptBuilder"/> expands each to the image's feature positions.</summary>
    public const string ImagePlaceholder = "<image>";

    /// <param name="source">Jinja source of the template.</param>
    /// <param name="specialTokens">Special-token strings passed to the template by name ("bos_token", "eos_token", …).</param>
    /// <param name="origin">Where the source came from.</param>
    /// <param name="clock">Clock for <c>strftime_now</c>; the system clock when null.</param>
    /// <param name="contentFormat">How message content is handed to the template; <see cref="ChatTemplateContentFormat.Auto"/>
    /// detects it from the template.</param>
    /// <exception cref="TemplateException">The template uses syntax or features the engine does not support.</exception>
    public ChatTemplate(
        string source,
        IReadOnlyDictionary<string, string>? specialTokens = null,
        ChatTemplateOrigin origin = ChatTemplateOrigin.ChatTemplateJinja,
        TimeProvider? clock = null,
        ChatTemplateContentFormat contentFormat = ChatTemplateContentFormat.Auto)
    {
        Source = source;
        Origin = origin;
        _specialTokens = specialTokens ?? new Dictionary<string, string>();
        _clock = clock ?? TimeProvider.System;
        _template = JinjaTemplate.Parse(source);
        DetectedContentFormat = ContentFormatDetector.Detect(_template);
        RendersTools = Lexer.Tokenize(source).Any(token => token.IsName("tools"));
        ContentFormat = contentFormat == ChatTemplateContentFormat.Auto ? DetectedContentFormat : contentFormat;
    }

    /// <summary>
    /// Loads the template of a Hugging Face model directory (<c>chat_template.json</c>, else
    /// <c>chat_template.jinja</c>, else <c>tokenizer_config.json</c>, else <see cref="Llava15FallbackTemplate"/>)
    /// and its special tokens.
    /// </summary>
    /// <param name="templateOverride">Replaces the directory's template (vLLM's <c>--chat-template</c>): a file
    /// (<c>.json</c> read like <c>chat_template.json</c>, anything else as Jinja text) or, when no such file exists and
    /// the value holds a brace or a newline, the template itself.</param>
    /// <exception cref="InvalidDataException">A template or tokenizer file is malformed.</exception>
    /// <exception cref="FileNotFoundException">The override names a file that does not exist.</exception>
    /// <exception cref="TemplateException">The template uses syntax or features the engine does not support.</exception>
    public static ChatTemplate FromModelDirectory(string modelDirectory, TimeProvider? clock = null, string? templateOverride = null,
        ChatTemplateContentFormat contentFormat = ChatTemplateContentFormat.Auto)
    {
        var (source, origin) = templateOverride is null
            ? ChatTemplateFiles.ReadTemplate(modelDirectory)
            : ChatTemplateFiles.ReadOverride(templateOverride);
        return new ChatTemplate(source, ChatTemplateFiles.ReadSpecialTokens(modelDirectory), origin, clock, contentFormat);
    }

    public string Source { get; }

    public ChatTemplateOrigin Origin { get; }

    /// <summary>The content format in use: the one asked for, else <see cref="DetectedContentFormat"/>.</summary>
    public ChatTemplateContentFormat ContentFormat { get; }

    /// <summary>What the template's own structure says it expects (never <see cref="ChatTemplateContentFormat.Auto"/>).</summary>
    public ChatTemplateContentFormat DetectedContentFormat { get; }

    /// <summary>
    /// Whether the template's code reads the <c>tools</c> variable (a tool-use template); LLaVA's templates do not,
    /// so tools given to them reach the model only through constrained decoding.
    /// </summary>
    public bool RendersTools { get; }

    public string? BosToken => _specialTokens.GetValueOrDefault("bos_token");

    public string? EosToken => _specialTokens.GetValueOrDefault("eos_token");

    /// <summary>
    /// Renders a conversation. Each message becomes <c>{"role": …, "content": …}</c> with content in
    /// <see cref="ContentFormat"/>: a list of parts <c>{"type": "text", "text": …}</c> and <c>{"type": "image"}</c> (what
    /// vLLM passes for OpenAI image parts), or a string. Like HF, the template also sees <c>add_generation_prompt</c>,
    /// <c>tools</c> and <c>documents</c> (None) and the special tokens.
    /// </summary>
    /// <exception cref="TemplateException">The template failed, e.g. it called <c>raise_exception</c> to reject the conversation
    /// (<see cref="TemplateException.RaisedByTemplate"/>; <see cref="TemplateException.Reason"/> is the template's message).</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true) =>
        Render(messages, new ChatRenderOptions(addGenerationPrompt));

    /// <summary>
    /// <see cref="Render(IReadOnlyList{ChatMessage}, bool)"/> with transformers' other options: <c>tools</c> handed to the
    /// template as given, assistant <c>tool_calls</c> with their arguments as mappings, <c>tool_call_id</c> on tool
    /// turns, and the prompt cut after the final message for <see cref="ChatRenderOptions.ContinueFinalMessage"/>.
    /// </summary>
    /// <exception cref="TemplateException">As for the other overload.</exception>
    /// <exception cref="PromptException">The final message cannot be continued (no text, or the template does not
    /// render it verbatim).</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, ChatRenderOptions options)
    {
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = messages.Select(ToTemplateMessage).ToList(),
            ["tools"] = options.Tools?.Select(TemplateJson.ToPlain).ToList(),
            ["documents"] = null,
            ["add_generation_prompt"] = options.AddGenerationPrompt,
        };
        foreach (var (name, text) in _specialTokens)
            variables[name] = text;
        var rendered = _template.Render(variables, _clock);
        return options.ContinueFinalMessage && messages.Count > 0 ? FinalMessageContinuation.Cut(rendered, messages[^1]) : rendered;
    }

    private Dictionary<string, object?> ToTemplateMessage(ChatMessage message)
    {
        var entry = new Dictionary<string, object?>
        {
            ["role"] = message.Role,
            ["content"] = ContentFormat == ChatTemplateContentFormat.OpenAI
                ? (message.Parts ?? [new TextPart(message.Text!)]).Select(ToTemplatePart).ToList()
                : message.Text ?? Flatten(message.Parts!),
        };
        // Only messages that have them carry these keys, as in the OpenAI message dicts transformers receives:
        // templates test `message.tool_calls is defined`.
        if (message.ToolCalls is { } calls)
            entry["tool_calls"] = calls.Select(ToTemplateCall).ToList();
        if (message.ToolCallId is { } id)
            entry["tool_call_id"] = id;
        return entry;
    }

    private static Dictionary<string, object?> ToTemplateCall(ChatToolCall call) => new()
    {
        ["id"] = call.Id,
        ["type"] = "function",
        ["function"] = new Dictionary<string, object?> { ["name"] = call.Name, ["arguments"] = TemplateJson.ToPlain(call.Arguments) },
    };

    /// <summary>
    /// vLLM's string form of parts (<c>_get_full_multimodal_text_prompt</c>): one placeholder line per image, then the
    /// text parts joined by newlines. Unlike vLLM, placeholders the text already holds are not counted as images: text
    /// is text, and <see cref="PromptBuilder"/> refuses a prompt whose placeholders do not match its images.
    /// </summary>
    private static string Flatten(IReadOnlyList<ChatContentPart> parts)
    {
        var lines = parts.OfType<ImagePart>().Select(_ => ImagePlaceholder).ToList();
        lines.Add(string.Join('\n', parts.OfType<TextPart>().Select(t => t.Text)));
        return string.Join('\n', lines);
    }

    private static Dictionary<string, object?> ToTemplatePart(ChatContentPart part) => part switch
    {
        TextPart text => new() { ["type"] = "text", ["text"] = text.Text },
        ImagePart => new() { ["type"] = "image" },
        _ => throw new ArgumentException($"Unsupported content part {part.GetType().Name}"),
    };
}
