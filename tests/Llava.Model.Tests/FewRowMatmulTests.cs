using Llava.Model.Layers;
using Llava.Model.Tests.Support;
using Llava.TestSupport;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>
/// The managed few-row matmul against libtorch's <c>linear</c>: the same values within float32 rounding (measured
/// worst relative error about 1e-6 on the shapes below; bfloat16 within one bfloat16 step), the same bits for a row however many rows share
/// the call and however many threads split it, and in the model the golden greedy tokens with decode logits within
/// 1e-5 of the largest logit of libtorch's.
/// </summary>
public sealed class FewRowMatmulTests(ITestOutputHelper output)
{
    private static Tensor Random(params long[] shape)
    {
        using var scope = NewDisposeScope();
        using var scale = 0.1f.ToScalar();
        return randn(shape, ScalarType.Float32).mul_(scale).MoveToOuterDisposeScope();
    }

    [Theory]
    [InlineData(1, 64, 8, false)]
    [InlineData(3, 768, 2304, true)]
    [InlineData(16, 100, 37, true)] // columns past the last full vector, weight rows past the last group of four
    [InlineData(5, 7, 3, false)]
    public void MatchesLibtorchLinear(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        using var scope = NewDisposeScope();
        manual_seed(rows * 1000 + inFeatures);
        var input = Random(rows, inFeatures);
        var weight = Random(outFeatures, inFeatures);
        var bias = withBias ? Random(outFeatures) : null;

        var expected = nn.functional.linear(input, weight, bias);
        var actual = FewRowMatmul.Linear(input, weight, bias, threads: 2);

        Assert.Equal(expected.shape, actual.shape);
        var largest = expected.abs().max().item<float>();
        var worst = (expected - actual).abs().max().item<float>();
        Assert.True(worst <= 1e-5 * Math.Max(1, largest) * Math.Sqrt(inFeatures), $"max |diff| {worst} against largest {largest}");
    }

    /// <summary>
    /// bfloat16 against libtorch's float32 <c>linear</c> of the same bfloat16 values, rounded to bfloat16: both sum in
    /// float32, so they round to the same bfloat16 value or to its neighbour.
    /// </summary>
    [Theory]
    [InlineData(1, 64, 8, false)]
    [InlineData(3, 768, 2304, true)]
    [InlineData(16, 100, 37, true)]
    [InlineData(5, 7, 3, false)]
    public void Bfloat16MatchesFloat32LinearRoundedToBfloat16(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        using var scope = NewDisposeScope();
        manual_seed(rows * 1000 + inFeatures);
        var input = Random(rows, inFeatures).to(ScalarType.BFloat16);
        var weight = Random(outFeatures, inFeatures).to(ScalarType.BFloat16);
        var bias = withBias ? Random(outFeatures).to(ScalarType.BFloat16) : null;

        var expected = nn.functional.linear(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias?.to(ScalarType.Float32))
            .to(ScalarType.BFloat16).to(ScalarType.Float32);
        var actual = FewRowMatmul.Linear(input, weight, bias, threads: 2);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        var excess = TensorCompare.ExcessOverBound(actual, expected, 1.0 / 128, 1e-5 * expected.abs().max().item<float>());
        Assert.True(excess <= 0, $"a bfloat16 output is more than one step from float32's, by {excess}");
    }

    [Fact]
    public void KeepsLeadingDimensionsAndReadsANonContiguousInput()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var input = Random(40, 2, 3).permute(1, 2, 0); // [2, 3, 40], not contiguous
        var weight = Random(9, 40);

        var actual = FewRowMatmul.Linear(input, weight, null, threads: 2);

        Assert.Equal(new long[] { 2, 3, 9 }, actual.shape);
        Assert.True(allclose(nn.functional.linear(input, weight), actual, rtol: 1e-5, atol: 1e-6));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void ARowGetsTheSameBitsWhateverSharesTheCallAndHoweverManyThreadsSplitIt(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var weight = Random(301, 259).to(dtype);
        var bias = Random(301).to(dtype);
        var batch = Random(16, 259).to(dtype);

        var together = FewRowMatmul.Linear(batch, weight, bias, threads: 2);
        for (var row = 0; row < 16; row += 5)
        {
            var alone = FewRowMatmul.Linear(batch.narrow(0, row, 1), weight, bias, threads: 1);
            Assert.True(TensorCompare.Identical(alone[0], together[row]), $"row {row} changed with the batch");
        }
        var threeThreads = FewRowMatmul.Linear(batch, weight, bias, threads: 3);
        Assert.True(TensorCompare.Identical(together, threeThreads));
    }

    [Fact]
    public void TakesFloat32AndBfloat16OfOneDtypeWithoutGradientUpToItsRows()
    {
        using var scope = NewDisposeScope();
        var weight = zeros(4, 8);
        Assert.True(FewRowMatmul.Takes(zeros(2, 8), weight, null, maxRows: 2));
        Assert.True(FewRowMatmul.Takes(zeros(1, 2, 8), weight, zeros(4), maxRows: 2));
        Assert.False(FewRowMatmul.Takes(zeros(3, 8), weight, null, maxRows: 2));
        Assert.True(FewRowMatmul.Takes(zeros(1, 8, ScalarType.BFloat16), weight.to(ScalarType.BFloat16), zeros(4, ScalarType.BFloat16), maxRows: 2));
        Assert.False(FewRowMatmul.Takes(zeros(1, 8, ScalarType.BFloat16), weight, null, maxRows: 2));
        Assert.False(FewRowMatmul.Takes(zeros(1, 8, ScalarType.BFloat16), weight.to(ScalarType.BFloat16), zeros(4), maxRows: 2));
        Assert.False(FewRowMatmul.Takes(zeros(1, 8, ScalarType.Float16), weight.to(ScalarType.Float16), null, maxRows: 2));
        Assert.False(FewRowMatmul.Takes(zeros(1, 8), zeros(8, 4).t(), null, maxRows: 2));

        var trained = zeros(4, 8).requires_grad_(true);
        Assert.False(FewRowMatmul.Takes(zeros(1, 8), trained, null, maxRows: 2));
        using (no_grad())
            Assert.True(FewRowMatmul.Takes(zeros(1, 8), trained, null, maxRows: 2));
    }

    [Fact]
    public void TheModelDecodesTheGoldenTokensWithLogitsCloseToLibtorchs()
    {
        var libtorch = TinyModel.LibtorchFloat32;
        var kernel = TinyModel.Float32;
        Assert.True(FewRowMatmul.IsSupported, "the model uses the kernel only on a CPU with vector FMA");
        Assert.Equal(ModelPrecision.FewRowKernelRows, kernel.Precision.Matmul!.FewRowKernelRows);
        Assert.Null(libtorch.Precision.Matmul);

        var worst = 0.0;
        foreach (var goldenCase in Golden.Cases)
        {
            var (_, ids) = TinyModel.Greedy(kernel, goldenCase);
            Assert.Equal(goldenCase.GreedyIds.Select(id => (long)id), ids);

            using var scope = NewDisposeScope();
            var withKernel = TinyModel.DecodeLogits(kernel, goldenCase);
            var withLibtorch = TinyModel.DecodeLogits(libtorch, goldenCase);
            var relative = (withKernel - withLibtorch).abs().max().item<float>() / withLibtorch.abs().max().item<float>();
            worst = Math.Max(worst, relative);
        }
        output.WriteLine($"worst decode deviation {worst:E2} of the largest logit");
        Assert.True(worst < 1e-5, $"decode logits deviate by {worst:E2} of the largest logit");
    }
}
