using System.Text.Json;
using static Llava.Engine.Tokenization.TokenizerJson;

namespace Llava.Engine.Tokenization;

/// <summary>
/// A byte-level BPE <c>tokenizer.json</c> (Llama 3's kind, with no <c>tokenizer.model</c> beside it): its vocabulary,
/// merges, added tokens and the special tokens its post-processor puts around an encoded text. Only the pipeline
/// Llama 3 is written with is understood (no normalizer, its Split regex, ByteLevel without regex, ByteLevel
/// decoder); anything else is refused rather than tokenized differently.
/// </summary>
internal sealed record ByteLevelTokenizerFile(
    Dictionary<string, int> Vocabulary,
    IReadOnlyList<(string Left, string Right)> Merges,
    bool IgnoreMerges,
    IReadOnlyList<AddedTokenDefinition> AddedTokens,
    IReadOnlyList<int> PrefixIds,
    IReadOnlyList<int> SuffixIds)
{
    public static ByteLevelTokenizerFile Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path} is not a JSON object.");

        if (Component(root, "normalizer") is { } normalizer)
            throw Unsupported($"a byte-level tokenizer with a normalizer {normalizer.GetRawText()}");
        CheckPreTokenizer(Component(root, "pre_tokenizer"));
        if (Component(root, "decoder") is not { } decoder || TypeOf(decoder) != "ByteLevel")
            throw Unsupported("a byte-level tokenizer whose decoder is not ByteLevel");

        var model = Component(root, "model") ?? throw new InvalidDataException($"{path} has no model.");
        var (vocabulary, merges, ignoreMerges) = ReadModel(model);
        var added = ReadAddedTokens(root);
        var (prefix, suffix) = ReadPostProcessor(Component(root, "post_processor"));
        return new ByteLevelTokenizerFile(vocabulary, merges, ignoreMerges, added, prefix, suffix);
    }

    private static void CheckPreTokenizer(JsonElement? preTokenizer)
    {
        var steps = Steps(preTokenizer, "pretokenizers").ToList();
        var split = steps.Count == 2 ? steps[0] : default;
        var byteLevel = steps.Count == 2 ? steps[1] : default;
        var isLlama3 = split.ValueKind == JsonValueKind.Object && TypeOf(split) == "Split"
            && split.TryGetProperty("pattern", out var pattern) && StringOf(pattern, "Regex") == Llama3PreTokenizer.Pattern
            && StringOf(split, "behavior") == "Isolated" && BoolOf(split, "invert") != true
            && TypeOf(byteLevel) == "ByteLevel" && BoolOf(byteLevel, "add_prefix_space") != true
            && BoolOf(byteLevel, "use_regex") == false;
        if (!isLlama3)
            throw Unsupported($"its pre-tokenizer {preTokenizer?.GetRawText() ?? "null"} (only Llama 3's Split + ByteLevel is implemented)");
    }

    private static (Dictionary<string, int>, List<(string, string)>, bool) ReadModel(JsonElement model)
    {
        if (TypeOf(model) != "BPE")
            throw Unsupported($"model type {TypeOf(model)} in a byte-level tokenizer");
        if (BoolOf(model, "byte_fallback") == true)
            throw Unsupported("byte_fallback in a byte-level BPE model");
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind != JsonValueKind.Null)
            throw Unsupported("BPE dropout");
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (StringOf(model, affix) is { Length: > 0 } value)
                throw Unsupported($"BPE {affix} '{value}'");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
            vocabulary[entry.Name] = entry.Value.GetInt32();

        var merges = new List<(string, string)>();
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            // Older files write a merge as "left right", newer ones as ["left", "right"].
            if (merge.ValueKind == JsonValueKind.String && merge.GetString()!.Split(' ') is [var left, var right])
                merges.Add((left, right));
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            else
                throw new InvalidDataException($"Unreadable BPE merge {merge.GetRawText()}.");
        }
        return (vocabulary, merges, BoolOf(model, "ignore_merges") ?? false);
    }

    private static List<AddedTokenDefinition> ReadAddedTokens(JsonElement root)
    {
        var added = new List<AddedTokenDefinition>();
        if (!root.TryGetProperty("added_tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array)
            return added;
        foreach (var token in tokens.EnumerateArray())
        {
            var content = StringOf(token, "content") ?? throw new InvalidDataException($"Added token without content: {token.GetRawText()}");
            foreach (var option in new[] { "lstrip", "rstrip", "single_word" })
            {
                if (BoolOf(token, option) == true)
                    throw Unsupported($"added token '{content}' with {option}");
            }
            added.Add(new AddedTokenDefinition(IntOf(token, "id") ?? throw new InvalidDataException($"Added token '{content}' has no id."),
                content, BoolOf(token, "special") == true));
        }
        return added;
    }

    /// <summary>The ids a TemplateProcessing step puts before and after a single text; ByteLevel steps add none.</summary>
    private static (List<int> Prefix, List<int> Suffix) ReadPostProcessor(JsonElement? postProcessor)
    {
        var prefix = new List<int>();
        var suffix = new List<int>();
        foreach (var step in Steps(postProcessor, "processors"))
        {
            switch (TypeOf(step))
            {
                case "ByteLevel":
                    break;
                case "TemplateProcessing" when prefix.Count == 0 && suffix.Count == 0:
                    var seenSequence = false;
                    foreach (var piece in step.GetProperty("single").EnumerateArray())
                    {
                        if (piece.TryGetProperty("Sequence", out _))
                        {
                            seenSequence = true;
                            continue;
                        }
                        var name = piece.GetProperty("SpecialToken").GetProperty("id").GetString()!;
                        var ids = step.GetProperty("special_tokens").GetProperty(name).GetProperty("ids").EnumerateArray().Select(i => i.GetInt32());
                        (seenSequence ? suffix : prefix).AddRange(ids);
                    }
                    break;
                default:
                    throw Unsupported($"its post-processor step {step.GetRawText()}");
            }
        }
        return (prefix, suffix);
    }
}
