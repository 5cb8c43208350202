using System.Text.Json;
using Llava.Engine.Sampling;

namespace Llava.Engine.Generation;

/// <summary>
/// The one place that decides which token ids end a sequence. A token that does appears in neither the text nor
/// the logprobs of its stream (it is still counted as a completion token).
/// </summary>
internal static class StopTokens
{
    /// <summary>
    /// The checkpoint's end-of-sequence ids: every id <c>generation_config.json</c> lists (as Hugging Face's
    /// <c>generate</c> uses them; one id or several), else <c>config.json</c>'s, plus the tokenizer's EOS (as vLLM).
    /// </summary>
    public static int[] Eos(string modelPath, IReadOnlyList<int> configEos, int tokenizerEos)
    {
        var ids = new SortedSet<int>(GenerationConfigEos(modelPath) ?? configEos) { tokenizerEos };
        return [.. ids];
    }

    /// <summary>The ids that end one request's sequence: the request's stop_token_ids, and EOS unless ignore_eos.</summary>
    public static HashSet<int> For(SamplingParams parameters, IReadOnlyList<int> eos)
    {
        var ids = new HashSet<int>(parameters.StopTokenIds);
        if (!parameters.IgnoreEos) ids.UnionWith(eos);
        return ids;
    }

    private static int[]? GenerationConfigEos(string path)
    {
        var file = Path.Combine(path, "generation_config.json");
        if (!File.Exists(file)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        if (!doc.RootElement.TryGetProperty("eos_token_id", out var eos)) return null;
        return eos.ValueKind switch
        {
            JsonValueKind.Number => [eos.GetInt32()],
            JsonValueKind.Array => eos.EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            _ => null,
        };
    }
}
