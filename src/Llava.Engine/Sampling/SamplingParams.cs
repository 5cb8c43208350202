namespace Llava.Engine.Sampling;

/// <summary>
/// Per-request decoding parameters, with OpenAI / vLLM semantics. Temperature 0 means greedy.
/// </summary>
public sealed record SamplingParams
{
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

    public bool IsGreedy => Temperature <= 0 || TopK == 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field (OpenAI's ranges).</summary>
    public void Validate()
    {
        Check(Temperature is >= 0 and <= 2 && double.IsFinite(Temperature), "temperature", "must be between 0 and 2");
        Check(TopP is > 0 and <= 1, "top_p", "must be in (0, 1]");
        Check(MinP is >= 0 and <= 1, "min_p", "must be in [0, 1]");
        Check(PresencePenalty is >= -2 and <= 2, "presence_penalty", "must be between -2 and 2");
        Check(FrequencyPenalty is >= -2 and <= 2, "frequency_penalty", "must be between -2 and 2");
        Check(RepetitionPenalty is > 0 and <= 10 && double.IsFinite(RepetitionPenalty), "repetition_penalty", "must be in (0, 10]");
        Check(MaxTokens >= 1, "max_tokens", "must be at least 1");
        Check(TopLogprobs is null or (>= 0 and <= 20), "top_logprobs", "must be between 0 and 20");
        Check(Stop.Count <= 16 && Stop.All(s => s.Length > 0), "stop", "allows at most 16 non-empty strings");
    }

    private static void Check(bool ok, string field, string message)
    {
        if (!ok) throw new ArgumentException($"'{field}' {message}.", field);
    }
}
