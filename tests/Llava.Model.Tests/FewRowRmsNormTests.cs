using Llava.Model.Layers;
using Llava.Model.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>
/// <see cref="RmsNorm"/> of a few rows in its managed kernel against its libtorch path: float32 within float32
/// rounding of the sum of squares, bfloat16 within one bfloat16 step; a row's bits independent of the batch; and
/// the libtorch path wherever the kernel does not apply (more rows, a gradient to record, float16).
/// </summary>
public sealed class FewRowRmsNormTests
{
    private const int Size = 100; // not a whole number of vectors

    private static (RmsNorm Kernel, RmsNorm Libtorch) Norms(ScalarType dtype)
    {
        manual_seed(13);
        var kernel = new RmsNorm(Size, 1e-5, CPU, dtype) { Precision = new MatmulPrecision(int.MaxValue, FewRowKernelRows: 4) };
        var libtorch = new RmsNorm(Size, 1e-5, CPU, dtype);
        using (no_grad())
        {
            using var weight = rand(Size).to(dtype);
            kernel.weight.copy_(weight);
            libtorch.weight.copy_(weight);
        }
        return (kernel, libtorch);
    }

    [Theory]
    [InlineData(ScalarType.Float32, 1e-6)]
    [InlineData(ScalarType.BFloat16, 1.0 / 128)]
    public void MatchesTheLibtorchPath(ScalarType dtype, double relative)
    {
        using var scope = NewDisposeScope();
        var (kernel, libtorch) = Norms(dtype);
        using var noGrad = no_grad();
        var input = randn(1, 3, Size).mul(3.ToScalar()).to(dtype);

        var actual = kernel.forward(input);
        var expected = libtorch.forward(input).to(ScalarType.Float32);

        Assert.Equal(dtype, actual.dtype);
        Assert.Equal(input.shape, actual.shape);
        var excess = TensorCompare.ExcessOverBound(actual, expected, relative, 1e-7);
        Assert.True(excess <= 0, $"an output is off by {excess} more than the bound");
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void ARowGetsTheSameBitsWhateverSharesTheCall(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var (kernel, _) = Norms(dtype);
        using var noGrad = no_grad();
        var batch = randn(4, Size).to(dtype);
        var together = kernel.forward(batch);
        for (var row = 0; row < 4; row++)
            Assert.True(TensorCompare.Identical(kernel.forward(batch.narrow(0, row, 1))[0], together[row]), $"row {row} changed with the batch");
    }

    [Fact]
    public void LeavesMoreRowsGradientsAndFloat16ToLibtorch()
    {
        using var scope = NewDisposeScope();
        var (kernel, libtorch) = Norms(ScalarType.Float32);
        var five = randn(5, Size);
        using (no_grad())
            Assert.True(TensorCompare.Identical(libtorch.forward(five), kernel.forward(five)));

        var trained = randn(2, Size).requires_grad_(true);
        var output = kernel.forward(trained);
        Assert.True(output.requires_grad);
        output.sum().backward();
        Assert.NotNull(trained.grad);

        var (half, halfLibtorch) = Norms(ScalarType.Float16);
        using (no_grad())
        {
            var input = randn(2, Size).to(ScalarType.Float16);
            Assert.True(TensorCompare.Identical(halfLibtorch.forward(input), half.forward(input)));
        }
    }
}
