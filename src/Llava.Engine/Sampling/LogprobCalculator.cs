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
}
