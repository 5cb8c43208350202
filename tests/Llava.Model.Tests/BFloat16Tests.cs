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
    private const double KernelLogitBound = 0.02;

    [Fact]
    public void Bfloat16LogitsStayNearFloat32AndGreedyMostlyAgrees()
    {
        var model = TinyModel.Bfloat16;
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

    /// <summary>
    /// The managed decode kernels in bfloat16 (weights and KV cache widened as read, sums in float32, results rounded
    /// to bfloat16) against libtorch's bfloat16 matmuls and attention: the same greedy tokens, decode logits within 2%
    /// of the largest logit of libtorch's (measured 1.35%: two bfloat16 computations that round in different places,
    /// where one bfloat16 step at these logits is 0.5), and no further from float32's than libtorch's are (measured
    /// 4.9% vs 4.8% at worst).
    /// </summary>
    [Fact]
    public void TheManagedKernelsDecodeBfloat16LikeLibtorch()
    {
        var kernels = TinyModel.Bfloat16;
        var libtorch = TinyModel.LibtorchBfloat16;
        Assert.True(kernels.Precision.Matmul is { FewRowKernelRows: > 0, DecodeAttention: true });
        Assert.False(libtorch.Precision.Matmul is { FewRowKernelRows: > 0 } or { DecodeAttention: true });

        double apart = 0, kernelsFromFloat32 = 0, libtorchFromFloat32 = 0;
        foreach (var goldenCase in Golden.Cases)
        {
            var (_, withKernels) = TinyModel.Greedy(kernels, goldenCase);
            var (_, withLibtorch) = TinyModel.Greedy(libtorch, goldenCase);
            Assert.Equal(withLibtorch, withKernels);

            using var scope = NewDisposeScope();
            var kernelLogits = TinyModel.DecodeLogits(kernels, goldenCase);
            var libtorchLogits = TinyModel.DecodeLogits(libtorch, goldenCase);
            var float32Logits = TinyModel.DecodeLogits(TinyModel.LibtorchFloat32, goldenCase);
            var largest = float32Logits.abs().max().item<float>();
            apart = Math.Max(apart, (kernelLogits - libtorchLogits).abs().max().item<float>() / largest);
            kernelsFromFloat32 = Math.Max(kernelsFromFloat32, (kernelLogits - float32Logits).abs().max().item<float>() / largest);
            libtorchFromFloat32 = Math.Max(libtorchFromFloat32, (libtorchLogits - float32Logits).abs().max().item<float>() / largest);
        }
        output.WriteLine($"decode logits: kernels vs libtorch {apart:P2}, from float32 {kernelsFromFloat32:P2} (kernels) and " +
                         $"{libtorchFromFloat32:P2} (libtorch) of the largest logit");
        Assert.True(apart < KernelLogitBound, $"bf16 decode logits deviate from libtorch's by {apart:P2} of the largest logit");
        Assert.True(kernelsFromFloat32 <= 1.25 * libtorchFromFloat32,
            $"the kernels' bf16 decode logits are {kernelsFromFloat32:P2} from float32's, libtorch's {libtorchFromFloat32:P2}");
    }
}
