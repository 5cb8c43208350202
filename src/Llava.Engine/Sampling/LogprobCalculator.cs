namespace Llava.Engine.Sampling;

/// <summary>
/// Log-softmax over the raw logits (before penalties and temperature, as vLLM and OpenAI report them),
/// in double precision so the reported numbers do not depend on summation order.
/// </summary>
public static class LogprobCalculator
{
    public static StepLogprobs Compute(ReadOnlySpan<float> logits, int chosen, int topCount)
    {
        var max = logits[Sampler.ArgMax(logits)];
        double sum = 0;
        for (var i = 0; i < logits.Length; i++) sum += Math.Exp((double)logits[i] - max);
        var logSumExp = max + Math.Log(sum);

        var top = new List<TokenLogprob>(topCount);
        if (topCount > 0)
        {
            var heap = new PriorityQueue<int, (float, int)>(topCount + 1);
            for (var i = 0; i < logits.Length; i++)
            {
                heap.Enqueue(i, (logits[i], -i));
                if (heap.Count > topCount) heap.Dequeue();
            }
            var ids = new int[heap.Count];
            for (var i = ids.Length - 1; i >= 0; i--) ids[i] = heap.Dequeue();
            foreach (var id in ids) top.Add(new TokenLogprob(id, (float)(logits[id] - logSumExp)));
        }
        return new StepLogprobs(new TokenLogprob(chosen, (float)(logits[chosen] - logSumExp)), top);
    }

    /// <summary>
    /// <see cref="Compute"/> from what a device computed instead of the whole row: the row's log-sum-exp (in double
    /// precision; summed in another order than here, so it can differ in its last bits, which a float32 logprob
    /// almost never shows), its best raw logits (descending, at least <paramref name="topCount"/> + 1 of them, the
    /// <paramref name="topCount"/>-th and next not equal) with their ids, and the chosen token's raw logit.
    /// </summary>
    public static StepLogprobs FromTop(double logSumExp, ReadOnlySpan<float> values, ReadOnlySpan<long> ids, int topCount,
        int chosen, float chosenLogit)
    {
        Span<int> order = stackalloc int[topCount];
        CandidateOrder.Rank(values[..topCount], ids, order);
        var top = new List<TokenLogprob>(topCount);
        foreach (var i in order) top.Add(new TokenLogprob((int)ids[i], (float)(values[i] - logSumExp)));
        return new StepLogprobs(new TokenLogprob(chosen, (float)(chosenLogit - logSumExp)), top);
    }

    /// <summary>
    /// Whether the best raw logits settle which <paramref name="topCount"/> tokens are reported: not when the
    /// <paramref name="topCount"/>-th and the next are equal (which of them is listed depends on ids not returned).
    /// </summary>
    public static bool TopDecided(ReadOnlySpan<float> values, int topCount) => topCount == 0 || values[topCount - 1] != values[topCount];
}
