using Llava.Engine.Templating;

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

    /// <param name="source">Jinja source of the template.</param>
    /// <param name="specialTokens">Special-token strings passed to the template by name ("bos_token", "eos_token", …).</param>
    /// <param name="origin">Where the source came from.</param>
    /// <param name="clock">Clock for <c>strftime_now</c>; the system clock when null.</param>
    /// <exception cref="TemplateException">The template uses syntax or features the engine does not support.</exception>
    public ChatTemplate(
        string source,
        IReadOnlyDictionary<string, string>? specialTokens = null,
        ChatTemplateOrigin origin = ChatTemplateOrigin.ChatTemplateJinja,
        TimeProvider? clock = null)
    {
        Source = source;
        Origin = origin;
        _specialTokens = specialTokens ?? new Dictionary<string, string>();
        _clock = clock ?? TimeProvider.System;
        _template = JinjaTemplate.Parse(source);
    }

    /// <summary>
    /// Loads the template of a Hugging Face model directory (<c>chat_template.json</c>, else
    /// <c>chat_template.jinja</c>, else <c>tokenizer_config.json</c>, else <see cref="Llava15FallbackTemplate"/>)
    /// and its special tokens.
    /// </summary>
    /// <exception cref="InvalidDataException">A template or tokenizer file is malformed.</exception>
    /// <exception cref="TemplateException">The template uses syntax or features the engine does not support.</exception>
    public static ChatTemplate FromModelDirectory(string modelDirectory, TimeProvider? clock = null)
    {
        var (source, origin) = ChatTemplateFiles.ReadTemplate(modelDirectory);
        return new ChatTemplate(source, ChatTemplateFiles.ReadSpecialTokens(modelDirectory), origin, clock);
    }

    public string Source { get; }

    public ChatTemplateOrigin Origin { get; }

    public string? BosToken => _specialTokens.GetValueOrDefault("bos_token");

    public string? EosToken => _specialTokens.GetValueOrDefault("eos_token");

    /// <summary>
    /// Renders a conversation. Each message becomes <c>{"role": …, "content": …}</c> where content is the plain string
    /// when <see cref="ChatMessage.Text"/> was set, else a list of parts: <c>{"type": "text", "text": …}</c> and
    /// <c>{"type": "image"}</c> (what vLLM passes for OpenAI image parts). Like HF, the template also sees
    /// <c>add_generation_prompt</c>, <c>tools</c> and <c>documents</c> (None) and the special tokens.
    /// </summary>
    /// <exception cref="TemplateException">The template failed, e.g. it called <c>raise_exception</c> to reject the conversation
    /// (<see cref="TemplateException.RaisedByTemplate"/>; <see cref="TemplateException.Reason"/> is the template's message).</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = messages.Select(ToTemplateMessage).ToList(),
            ["tools"] = null,
            ["documents"] = null,
            ["add_generation_prompt"] = addGenerationPrompt,
        };
        foreach (var (name, text) in _specialTokens)
            variables[name] = text;
        return _template.Render(variables, _clock);
    }

    private static Dictionary<string, object?> ToTemplateMessage(ChatMessage message) => new()
    {
        ["role"] = message.Role,
        ["content"] = message.Text is not null ? message.Text : message.Parts!.Select(ToTemplatePart).ToList(),
    };

    private static Dictionary<string, object?> ToTemplatePart(ChatContentPart part) => part switch
    {
        TextPart text => new() { ["type"] = "text", ["text"] = text.Text },
        ImagePart => new() { ["type"] = "image" },
        _ => throw new ArgumentException($"Unsupported content part {part.GetType().Name}"),
    };
}
