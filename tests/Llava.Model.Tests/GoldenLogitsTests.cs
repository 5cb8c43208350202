using Llava.Model.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>The cached forward against the Hugging Face reference: prefill logits and 12 greedy steps per case.</summary>
public sealed class GoldenLogitsTests(ITestOutputHelper output)
{
    private const double LogitTolerance = 1e-3;
    private const double LogprobTolerance = 1e-3;
    private const int GreedySteps = 12;

    [Theory]
    [MemberData(nameof(Golden.CaseNames), MemberType = typeof(Golden))]
    public void PrefillLogitsMatchReference(string caseName)
    {
        var goldenCase = Golden.Case(caseName);
        var model = TinyModel.Float32;
        using var cache = model.CreateKvCache(slots: 1, capacity: 128);
        var slot = cache.AllocateSlot();
        using var embeds = TinyModel.PromptEmbeds(model, goldenCase);
        using var logits = model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, goldenCase.InputIds.Length), cache);

        Assert.Equal([1, model.Config.Text.VocabSize], logits.shape);
        var maxDiff = MaxAbsDiff(logits[0].data<float>().ToArray(), Golden.LastLogits(goldenCase));
        output.WriteLine($"{caseName}: max |logit - reference| = {maxDiff:E3}");
        Assert.True(maxDiff < LogitTolerance, $"max abs logit diff {maxDiff} >= {LogitTolerance}");
    }

    [Theory]
    [MemberData(nameof(Golden.CaseNames), MemberType = typeof(Golden))]
    public void GreedyDecodingThroughCacheMatchesReference(string caseName)
    {
        var goldenCase = Golden.Case(caseName);
        var model = TinyModel.Float32;
        using var cache = model.CreateKvCache(slots: 1, capacity: 128);
        var slot = cache.AllocateSlot();
        var promptLength = goldenCase.InputIds.Length;
        using var embeds = TinyModel.PromptEmbeds(model, goldenCase);
        var logits = model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, promptLength), cache);

        var (generated, maxLogprobDiff) = GreedyReference.Decode(model, cache, slot, logits, promptLength, goldenCase.GreedyTop5);

        output.WriteLine($"{caseName}: max |top-5 logprob - reference| = {maxLogprobDiff:E3}");
        Assert.Equal(goldenCase.GreedyIds, generated);
        Assert.True(maxLogprobDiff < LogprobTolerance, $"max top-5 logprob diff {maxLogprobDiff} >= {LogprobTolerance}");
        Assert.Equal(promptLength + GreedySteps - 1, cache.Length(slot));
    }

    internal static double MaxAbsDiff(float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0.0;
        for (var i = 0; i < actual.Length; i++)
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
        return max;
    }
}
