using System.Text.Json;
using Llava.Engine.Templating.Syntax;

namespace Llava.Engine.Prompting;

/// <summary>
/// Reads a Hugging Face model directory the way transformers' processor and tokenizer do: the template from
/// <c>chat_template.json</c>, else <c>chat_template.jinja</c>, else <c>tokenizer_config.json</c>; special-token
/// strings from <c>tokenizer_config.json</c>, overridden by <c>special_tokens_map.json</c>.
/// </summary>
internal static class ChatTemplateFiles
{
    /// <summary>The special tokens HF passes to templates (its <c>special_tokens_map</c>).</summary>
    private static readonly string[] SpecialTokenNames =
        ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    public static (string Source, ChatTemplateOrigin Origin) ReadTemplate(string modelDirectory)
    {
        var json = Path.Combine(modelDirectory, "chat_template.json");
        if (File.Exists(json))
            return (ReadChatTemplateJson(json), ChatTemplateOrigin.ChatTemplateJson);

        var jinja = Path.Combine(modelDirectory, "chat_template.jinja");
        if (File.Exists(jinja))
            return (File.ReadAllText(jinja), ChatTemplateOrigin.ChatTemplateJinja);

        var config = Path.Combine(modelDirectory, "tokenizer_config.json");
        if (File.Exists(config))
        {
            using var doc = ParseJson(config);
            if (doc.RootElement.TryGetProperty("chat_template", out var t) && FromTokenizerConfig(t, config) is { } source)
                return (source, ChatTemplateOrigin.TokenizerConfig);
        }
        return (Llava15FallbackTemplate.Source, ChatTemplateOrigin.BuiltInLlava15);
    }

    /// <summary>
    /// An operator's template (vLLM's <c>--chat-template</c>): a file, or the template text itself when no such file
    /// exists and the value holds a brace or a newline, as vLLM decides. Like vLLM, backslash escapes in a template given
    /// as text are decoded first, so a shell argument can write <c>\n</c>.
    /// </summary>
    public static (string Source, ChatTemplateOrigin Origin) ReadOverride(string fileOrTemplate)
    {
        if (File.Exists(fileOrTemplate))
        {
            var source = Path.GetExtension(fileOrTemplate).Equals(".json", StringComparison.OrdinalIgnoreCase)
                ? ReadChatTemplateJson(fileOrTemplate)
                : File.ReadAllText(fileOrTemplate);
            return (source, ChatTemplateOrigin.Override);
        }
        if (fileOrTemplate.AsSpan().IndexOfAny("{}\n") < 0)
            throw new FileNotFoundException($"chat template file '{fileOrTemplate}' not found", fileOrTemplate);
        try
        {
            return (StringLiteralDecoder.Decode(fileOrTemplate), ChatTemplateOrigin.Override);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"the chat template given as text has a malformed escape: {e.Message}", e);
        }
    }

    private static string ReadChatTemplateJson(string path)
    {
        using var doc = ParseJson(path);
        if (doc.RootElement.TryGetProperty("chat_template", out var t) && t.ValueKind == JsonValueKind.String)
            return t.GetString()!;
        throw new InvalidDataException($"{path} has no string \"chat_template\" entry");
    }

    private static string? FromTokenizerConfig(JsonElement entry, string path)
    {
        switch (entry.ValueKind)
        {
            case JsonValueKind.String:
                return entry.GetString();
            case JsonValueKind.Array:
                foreach (var named in entry.EnumerateArray())
                {
                    if (named.TryGetProperty("name", out var name) && name.GetString() == "default")
                        return named.GetProperty("template").GetString();
                }
                throw new InvalidDataException($"{path} lists several chat templates but none is named \"default\"");
            case JsonValueKind.Null:
                return null;
            default:
                throw new InvalidDataException($"{path} has a chat_template that is neither a string nor a list of named templates");
        }
    }

    /// <summary>Special-token strings by name (e.g. "bos_token" → "&lt;s&gt;"); entries may be strings or <c>{"content": …}</c>.</summary>
    public static Dictionary<string, string> ReadSpecialTokens(string modelDirectory)
    {
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in new[] { "tokenizer_config.json", "special_tokens_map.json" })
        {
            var path = Path.Combine(modelDirectory, file);
            if (!File.Exists(path))
                continue;
            using var doc = ParseJson(path);
            foreach (var name in SpecialTokenNames)
            {
                if (doc.RootElement.TryGetProperty(name, out var value) && TokenText(value) is { } text)
                    tokens[name] = text;
            }
        }
        return tokens;
    }

    private static string? TokenText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
        _ => null,
    };

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }
}
