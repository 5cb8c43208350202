using System.Text.Json;
using static Llava.Engine.Tokenization.TokenizerJson;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Reads the normalizer, pre-tokenizer and decoder of a Hugging Face <c>tokenizer.json</c> into the encoding and
/// decoding rules they amount to for a SentencePiece Llama vocabulary. Only the building blocks that Llama
/// tokenizers are written with are understood; anything else is refused rather than tokenized differently.
/// </summary>
internal static class FastTokenizerPipeline
{
    private const string Whitespace = "\u2581";

    /// <summary>
    /// The encoding and decoding rules transformers' <c>LlamaTokenizerFast</c> (what <c>AutoTokenizer</c> loads) ends
    /// up with: it rebuilds the pipeline from the slow tokenizer whenever <c>add_prefix_space</c> is configured or
    /// there is no <c>tokenizer.json</c>, and otherwise runs <c>tokenizer.json</c> as written, whatever
    /// <c>legacy</c> says.
    /// </summary>
    public static (EncodingRules Encoding, DecodingRules Decoding) Resolve(string fastTokenizerPath, bool? addPrefixSpace, bool legacy)
    {
        if (addPrefixSpace is null && File.Exists(fastTokenizerPath))
            return Read(fastTokenizerPath);

        // transformers' LlamaConverter: legacy prepends ▁ to every segment (a Prepend normalizer), non-legacy only
        // to the start of the input (Metaspace "first"); without add_prefix_space neither does.
        var prefix = addPrefixSpace == false ? DummyPrefixScheme.Never
            : legacy ? DummyPrefixScheme.EverySegment
            : DummyPrefixScheme.StartOfInput;
        return (new EncodingRules(prefix, SplitAtWhitespace: false), DecodingRules.Llama(addPrefixSpace ?? true));
    }

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
}
