using static TorchSharp.torch;

namespace Llava.Model.Tests.Support;

/// <summary>Greedy decoding through the KV cache, checked step by step against a reference's top-5 ids.</summary>
public static class GreedyReference
{
    /// <summary>
    /// Decodes one token per entry of <paramref name="expectedTop5"/> starting from <paramref name="prefillLogits"/>
    /// (which it disposes), asserting each step's top-5 ids.
    /// </summary>
    /// <returns>The chosen ids and the largest top-5 logprob deviation.</returns>
    public static (List<int> Generated, double MaxLogprobDiff) Decode(LlavaForConditionalGeneration model, KvCache cache,
        int slot, Tensor prefillLogits, int promptLength, IReadOnlyList<GoldenTopEntry[]> expectedTop5)
    {
        var logits = prefillLogits;
        var generated = new List<int>();
        var maxLogprobDiff = 0.0;
        for (var step = 0; step < expectedTop5.Count; step++)
        {
            using (logits)
            using (var logprobs = logits[0].log_softmax(0))
            {
                var (values, indices) = logprobs.topk(5);
                using (values)
                using (indices)
                {
                    var ids = indices.data<long>().ToArray();
                    var lps = values.data<float>().ToArray();
                    var expected = expectedTop5[step];
                    Assert.Equal(expected.Select(e => (long)e.Id), ids);
                    for (var k = 0; k < 5; k++)
                        maxLogprobDiff = Math.Max(maxLogprobDiff, Math.Abs(lps[k] - expected[k].Logprob));
                    generated.Add((int)ids[0]);
                }
            }
            if (step == expectedTop5.Count - 1) break;
            using var next = model.EmbedTokens(tensor(new long[] { generated[^1] }));
            logits = model.ForwardCached(next, ForwardBatch.Single(slot, promptLength + step, 1), cache);
        }
        return (generated, maxLogprobDiff);
    }
}
