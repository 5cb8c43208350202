using System.Text.Json;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Reads the normalizer, pre-tokenizer and decoder of a Hugging Face <c>tokenizer.json</c> into the encoding and
/// decoding rules they amount to for a SentencePiece Llama vocabulary. Only the building blocks that Llama
/// tokenizers are written with are understood; anything else is refused rather than tokenized differently.
/// </summary>
internal static class FastTokenizerPipeline
{
    private const string Whitespace = "\u2581";

    public static (EncodingRules Encoding, DecodingRules Decoding) Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path} is not a JSON object.");

        var (prependsEverySegment, replacesSpaces) = ReadNormalizer(Component(root, "normalizer"));
        var metaspace = ReadPreTokenizer(Component(root, "pre_tokenizer"));
        if (!replacesSpaces && metaspace is null)
            throw Unsupported("neither its normalizer nor its pre-tokenizer turns spaces into ▁");

        // A Prepend normalizer runs first, so a Metaspace pre-tokenizer behind it always finds the ▁ already there.
        var prefix = prependsEverySegment ? DummyPrefixScheme.EverySegment : metaspace?.Prefix ?? DummyPrefixScheme.Never;
        var encoding = new EncodingRules(prefix, metaspace?.Split ?? false);
        return (encoding, ReadDecoder(Component(root, "decoder")));
    }

    private static (bool PrependsEverySegment, bool ReplacesSpaces) ReadNormalizer(JsonElement? normalizer)
    {
        var prepends = false;
        var replaces = false;
        foreach (var step in Steps(normalizer, "normalizers"))
        {
            switch (TypeOf(step))
            {
                case "Prepend" when StringOf(step, "prepend") == Whitespace:
                    prepends = true;
                    break;
                case "Replace" when IsLiteralReplace(step, " ", Whitespace):
                    replaces = true;
                    break;
                default:
                    throw Unsupported($"its normalizer step {step.GetRawText()}");
            }
        }
        return (prepends, replaces);
    }

    private static (DummyPrefixScheme Prefix, bool Split)? ReadPreTokenizer(JsonElement? preTokenizer)
    {
        if (preTokenizer is not { } metaspace)
            return null;
        if (TypeOf(metaspace) != "Metaspace" || StringOf(metaspace, "replacement") != Whitespace)
            throw Unsupported($"its pre-tokenizer {metaspace.GetRawText()}");
        var prefix = ReadPrependScheme(metaspace) switch
        {
            "always" => DummyPrefixScheme.EverySegmentWithoutLeadingSpace,
            "first" => DummyPrefixScheme.StartOfInput,
            _ => DummyPrefixScheme.Never,
        };
        return (prefix, BoolOf(metaspace, "split") ?? true);
    }

    /// <summary>
    /// The decoder must turn ▁ into spaces (Replace or Metaspace), then may fuse byte tokens (ByteFallback), join
    /// everything (Fuse) and strip leading spaces of the joined text (Strip) — the order Llama tokenizers use.
    /// </summary>
    private static DecodingRules ReadDecoder(JsonElement? decoder)
    {
        if (decoder is null)
            throw Unsupported("it has no decoder");

        var steps = Steps(decoder, "decoders").ToList();
        var first = steps.FirstOrDefault();
        bool dropFirstTokenWhitespace;
        if (first.ValueKind == JsonValueKind.Object && TypeOf(first) == "Replace" && IsLiteralReplace(first, Whitespace, " "))
            dropFirstTokenWhitespace = false;
        else if (first.ValueKind == JsonValueKind.Object && TypeOf(first) == "Metaspace" && StringOf(first, "replacement") == Whitespace)
            dropFirstTokenWhitespace = ReadPrependScheme(first) != "never";
        else
            throw Unsupported($"its decoder does not start by turning ▁ into spaces: {decoder.Value.GetRawText()}");

        var byteFallback = false;
        var fused = false;
        var stripped = false;
        var leadingSpaces = 0;
        foreach (var step in steps.Skip(1))
        {
            switch (TypeOf(step))
            {
                case "ByteFallback" when !byteFallback && !fused:
                    byteFallback = true;
                    break;
                case "Fuse" when !fused:
                    fused = true;
                    break;
                // Before Fuse a Strip would apply to every token; trailing strips would hold back streamed text.
                case "Strip" when fused && !stripped && StringOf(step, "content") == " " && IntOf(step, "stop") == 0
                                  && IntOf(step, "start") is int start and >= 0:
                    stripped = true;
                    leadingSpaces = start;
                    break;
                default:
                    throw Unsupported($"its decoder step {step.GetRawText()}");
            }
        }
        return new DecodingRules(byteFallback, dropFirstTokenWhitespace, leadingSpaces);
    }

    /// <summary>Metaspace's scheme as the tokenizers library reads it, including the older <c>add_prefix_space</c> field.</summary>
    private static string ReadPrependScheme(JsonElement metaspace)
    {
        var scheme = StringOf(metaspace, "prepend_scheme") ?? "always";
        if (scheme is not ("always" or "first" or "never"))
            throw Unsupported($"Metaspace prepend_scheme '{scheme}'");
        if (BoolOf(metaspace, "add_prefix_space") == false)
        {
            return scheme == "never"
                ? scheme
                : throw new InvalidDataException(
                    $"{TokenizerConfiguration.FastTokenizerFileName}: Metaspace add_prefix_space=false contradicts prepend_scheme '{scheme}'.");
        }
        return scheme;
    }

    /// <summary>The steps of a component that is either one step or a Sequence of them; none for null.</summary>
    private static IEnumerable<JsonElement> Steps(JsonElement? component, string sequenceField)
    {
        if (component is not { } value)
            return [];
        if (TypeOf(value) != "Sequence")
            return [value];
        return value.TryGetProperty(sequenceField, out var steps) && steps.ValueKind == JsonValueKind.Array
            ? steps.EnumerateArray().ToList()
            : throw new InvalidDataException($"{TokenizerConfiguration.FastTokenizerFileName}: a Sequence without '{sequenceField}'.");
    }

    private static JsonElement? Component(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static bool IsLiteralReplace(JsonElement step, string pattern, string content) =>
        step.TryGetProperty("pattern", out var patternObject) && patternObject.ValueKind == JsonValueKind.Object
        && StringOf(patternObject, "String") == pattern && StringOf(step, "content") == content;

    private static string? TypeOf(JsonElement step) => StringOf(step, "type");

    private static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool? BoolOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    private static int? IntOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    private static NotSupportedException Unsupported(string what) =>
        new($"Unsupported {TokenizerConfiguration.FastTokenizerFileName}: {what} (not implemented).");
}
