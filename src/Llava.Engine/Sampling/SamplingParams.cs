using Llava.Engine.Constraints;

namespace Llava.Engine.Sampling;

/// <summary>
/// Per-request decoding parameters, with OpenAI / vLLM semantics. Temperature 0 means greedy.
/// </summary>
public sealed record SamplingParams
{
    /// <summary>
    /// Temperatures below this sample greedily, as in vLLM (<c>_SAMPLING_EPS</c>): dividing float32 logits by a
    /// smaller one overflows to infinities, whose differences are NaN, and the draw would pick an arbitrary token.
    /// </summary>
    public const double GreedyTemperature = 1e-5;

    /// <summary>Most stop strings per request.</summary>
    public const int MaxStopStrings = 16;

    /// <summary>Longest stop string, in characters: streamed text is held back by up to this much.</summary>
    public const int MaxStopLength = 256;

    /// <summary>Most stop token ids per request.</summary>
    public const int MaxStopTokenIds = 128;

    /// <summary>Largest magnitude of a <see cref="LogitBias"/> value (OpenAI's range).</summary>
    public const double MaxLogitBias = 100;

    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;

    /// <summary>0 or negative disables top-k.</summary>
    public int TopK { get; init; }

    public double MinP { get; init; }
    public double PresencePenalty { get; init; }
    public double FrequencyPenalty { get; init; }

    /// <summary>HF/vLLM multiplicative penalty over prompt and output tokens; 1 disables it.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Fixes the random stream of this sequence; null draws a fresh seed.</summary>
    public long? Seed { get; init; }

    public int MaxTokens { get; init; } = 16;
    public IReadOnlyList<string> Stop { get; init; } = [];
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    public bool IgnoreEos { get; init; }

    /// <summary>Null: no logprobs. 0: the chosen token's logprob only. K: also the K most likely tokens.</summary>
    public int? TopLogprobs { get; init; }

    /// <summary>
    /// Token id to a bias in [-100, 100], added to the raw logits before the grammar mask, penalties, temperature,
    /// top-k/top-p/min-p and greedy choice. Null or empty: no bias.
    /// </summary>
    public IReadOnlyDictionary<int, double>? LogitBias { get; init; }

    /// <summary>Constrains the output to this JSON grammar; null leaves decoding unconstrained.</summary>
    public JsonGrammar? Grammar { get; init; }

    public bool IsGreedy => Temperature < GreedyTemperature || TopK == 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field (OpenAI's ranges).</summary>
    /// <param name="vocabularySize">When given, stop token ids must be below it.</param>
    public void Validate(int? vocabularySize = null)
    {
        Check(Temperature is >= 0 and <= 2 && double.IsFinite(Temperature), "temperature", "must be between 0 and 2");
        Check(TopP is > 0 and <= 1, "top_p", "must be in (0, 1]");
        Check(MinP is >= 0 and <= 1, "min_p", "must be in [0, 1]");
        Check(PresencePenalty is >= -2 and <= 2, "presence_penalty", "must be between -2 and 2");
        Check(FrequencyPenalty is >= -2 and <= 2, "frequency_penalty", "must be between -2 and 2");
        Check(RepetitionPenalty is > 0 and <= 10 && double.IsFinite(RepetitionPenalty), "repetition_penalty", "must be in (0, 10]");
        Check(MaxTokens >= 1, "max_tokens", "must be at least 1");
        Check(TopLogprobs is null or (>= 0 and <= 20), "top_logprobs", "must be between 0 and 20");
        Check(Stop.Count <= MaxStopStrings && Stop.All(s => s.Length is > 0 and <= MaxStopLength), "stop",
            $"allows at most {MaxStopStrings} non-empty strings of at most {MaxStopLength} characters");
        Check(StopTokenIds.Count <= MaxStopTokenIds, "stop_token_ids", $"allows at most {MaxStopTokenIds} ids");
        foreach (var id in StopTokenIds)
            Check(id >= 0 && id < (vocabularySize ?? int.MaxValue), "stop_token_ids", $"contains {id}, which is not a token id of this model");
        foreach (var (id, bias) in LogitBias ?? new Dictionary<int, double>())
        {
            Check(id >= 0 && id < (vocabularySize ?? int.MaxValue), "logit_bias", $"contains {id}, which is not a token id of this model");
            Check(bias is >= -MaxLogitBias and <= MaxLogitBias, "logit_bias",
                $"maps {id} to {bias}, outside [-{MaxLogitBias}, {MaxLogitBias}]");
        }
    }

    private static void Check(bool ok, string field, string message)
    {
        if (!ok) throw new ArgumentException($"'{field}' {message}.", field);
    }
}
