namespace Llava.Engine.Sampling;

/// <summary>
/// How much of a step's logits row the host needs to choose a request's token. Greedy and top-k rows are resolved
/// on the model's device, so only a token id or k + 1 candidates (and, for logprobs, the row's log-sum-exp and best
/// few logits) cross to the host instead of a whole vocabulary of logits; everything else still needs the row.
/// </summary>
internal enum RowNeed
{
    /// <summary>Logit bias, a grammar mask, penalties, or top-p/min-p over the whole vocabulary.</summary>
    WholeRow,

    /// <summary>Greedy on the raw logits: the device's argmax is the token.</summary>
    ArgMax,

    /// <summary>Sampled under top-k: the k + 1 best raw logits and their ids (<see cref="Sampler.SampleTopK"/>).</summary>
    TopK,
}

internal static class RowNeeds
{
    /// <summary>
    /// What choosing the token under <paramref name="parameters"/> needs. A choice that reads anything but the raw
    /// logits' order and values within the top k (bias, mask, penalties over prompt and output) needs the row.
    /// Logprobs do not decide it: the device computes them alongside (<see cref="LogprobCalculator.FromTop"/>).
    /// </summary>
    public static RowNeed For(SamplingParams parameters, int vocabularySize)
    {
        var penalised = (float)parameters.RepetitionPenalty != 1f || parameters.PresencePenalty != 0 || parameters.FrequencyPenalty != 0;
        if (parameters.LogitBias is { Count: > 0 } || parameters.Grammar is not null || penalised)
            return RowNeed.WholeRow;
        if (parameters.IsGreedy) return RowNeed.ArgMax;
        return parameters.TopK > 1 && parameters.TopK < vocabularySize ? RowNeed.TopK : RowNeed.WholeRow;
    }
}
