using Llava.Model.Tests.Support;
using Llava.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>
/// The model in bfloat16 compute stays close to float32. bf16 keeps 8 significant bits, and this fixture's logits
/// reach ~95 where one bf16 step is 0.5, so the bound is relative to the largest logit.
/// </summary>
public sealed class BFloat16Tests(ITestOutputHelper output)
{
    private const double RelativeLogitBound = 0.05;

    [Fact]
    public void Bfloat16LogitsStayNearFloat32AndGreedyMostlyAgrees()
    {
        using var model = LlavaForConditionalGeneration.FromPretrained(RepoPaths.FixtureModel, new ModelOptions { DType = "bf16" });
        Assert.Equal(ScalarType.BFloat16, model.DType);
        Assert.Equal(ScalarType.BFloat16, model.language_model.lm_head.weight.dtype);

        var worst = 0.0;
        var worstRelative = 0.0;
        int matching = 0, total = 0;
        foreach (var goldenCase in Golden.Cases)
        {
            using (var embeds = TinyModel.PromptEmbeds(model, goldenCase))
                Assert.Equal(ScalarType.BFloat16, embeds.dtype);
            var (logits, ids) = TinyModel.Greedy(model, goldenCase);
            var reference = Golden.LastLogits(goldenCase);
            var diff = GoldenLogitsTests.MaxAbsDiff(logits, reference);
            worst = Math.Max(worst, diff);
            worstRelative = Math.Max(worstRelative, diff / reference.Max(Math.Abs));

            var agree = ids.Zip(goldenCase.GreedyIds).TakeWhile(p => p.First == p.Second).Count();
            matching += agree;
            total += ids.Length;
            output.WriteLine($"{goldenCase.Name}: prefill max |bf16 - reference| = {diff:F3}; greedy prefix agreeing {agree}/{ids.Length}");
        }
        output.WriteLine($"worst prefill deviation {worst:F3} ({worstRelative:P1} of the largest logit); " +
                         $"greedy tokens agreeing before first divergence {matching}/{total}");
        Assert.True(worstRelative < RelativeLogitBound, $"bf16 prefill logits deviate by {worst} ({worstRelative:P1})");
        Assert.True(matching >= total / 2, $"only {matching}/{total} greedy tokens agree before diverging");
    }
}
