using Llava.Model.Layers;
using Llava.Model.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>How the dtype is chosen from the request, the checkpoint, the CPU's half-precision support and memory.</summary>
public sealed class ModelPrecisionTests
{
    private const long Gib = 1L << 30;
    private const long SevenB = 7_063_000_000;
    private static readonly CpuHalfPrecision Avx2Only = new(BFloat16: false, Float16: false);
    private static readonly CpuHalfPrecision Bf16Native = new(BFloat16: true, Float16: false);

    [Fact]
    public void CpuFlagsNameTheNativeHalfPrecisionTypes()
    {
        const string zen4 = "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 avx512_vnni\nbugs\t\t: none\n";
        const string sapphireRapids = "flags\t: avx512f avx512_bf16 avx512_fp16 amx_bf16 amx_tile\n";
        const string zen3 = "flags\t: fpu sse4_2 avx avx2 fma f16c\n";
        const string graviton3 = "processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\n";
        Assert.Equal(new CpuHalfPrecision(true, false), CpuHalfPrecision.FromCpuInfo(zen4));
        Assert.Equal(new CpuHalfPrecision(true, true), CpuHalfPrecision.FromCpuInfo(sapphireRapids));
        Assert.Equal(Avx2Only, CpuHalfPrecision.FromCpuInfo(zen3));
        Assert.Equal(new CpuHalfPrecision(true, false), CpuHalfPrecision.FromCpuInfo(graviton3));
        Assert.Equal(Avx2Only, CpuHalfPrecision.FromCpuInfo(""));
    }

    [Fact]
    public void AutoOnACpuWithoutNativeHalfRunsFloat32WhenItFitsAndHalfWeightsWithFloat32MatmulsWhenNot()
    {
        var fits = ModelPrecision.Resolve("auto", "bfloat16", CPU, Avx2Only, SevenB, 48 * Gib);
        Assert.Equal(ScalarType.Float32, fits.DType);
        Assert.Null(fits.Matmul);
        Assert.Contains("fit", fits.Description);

        var tight = ModelPrecision.Resolve("auto", "float16", CPU, Avx2Only, SevenB, 18 * Gib);
        Assert.Equal(ScalarType.Float16, tight.DType);
        Assert.Equal(ModelPrecision.UpcastFromRows, tight.Matmul!.UpcastFromRows);
        Assert.StartsWith("float16 weights, float32 matmuls from", tight.Description);
    }

    [Fact]
    public void AutoKeepsAHalfCheckpointNativeWhereTheCpuMultipliesItAndFloat32CheckpointsStayFloat32()
    {
        var native = ModelPrecision.Resolve("auto", "bfloat16", CPU, Bf16Native, SevenB, 48 * Gib);
        Assert.Equal(ScalarType.BFloat16, native.DType);
        Assert.Null(native.Matmul);

        var float16OnBf16Cpu = ModelPrecision.Resolve("auto", "float16", CPU, Bf16Native, SevenB, 48 * Gib);
        Assert.Equal(ScalarType.Float32, float16OnBf16Cpu.DType);

        var float16TooBigForFloat32 = ModelPrecision.Resolve("auto", "float16", CPU, Bf16Native, SevenB, 18 * Gib);
        Assert.Equal(ScalarType.BFloat16, float16TooBigForFloat32.DType);
        Assert.Null(float16TooBigForFloat32.Matmul);
        Assert.EndsWith("multiplies bfloat16 natively but not float16)", float16TooBigForFloat32.Description);

        Assert.Equal(ScalarType.Float32, ModelPrecision.Resolve("auto", "float32", CPU, Bf16Native, SevenB, Gib).DType);
        Assert.Equal(ScalarType.Float32, ModelPrecision.Resolve("auto", null, CPU, Avx2Only, SevenB, Gib).DType);
    }

    [Fact]
    public void TheManagedKernelsTakeFloat32AndBfloat16DecodeMatmulsAndAttentionAndLeaveFloat16Alone()
    {
        var float32 = ModelPrecision.Resolve("auto", "float32", CPU, Avx2Only, SevenB, 48 * Gib).WithFewRowKernel("AVX2");
        Assert.Equal(new MatmulPrecision(ModelPrecision.UpcastFromRows, ModelPrecision.FewRowKernelRows, DecodeAttention: true), float32.Matmul);
        Assert.EndsWith($"matmuls of up to {ModelPrecision.FewRowKernelRows} rows and decode attention in managed AVX2 code", float32.Description);

        var mixed = ModelPrecision.Resolve("bf16", "bfloat16", CPU, Avx2Only, SevenB, 48 * Gib).WithFewRowKernel("AVX2");
        Assert.Equal(new MatmulPrecision(ModelPrecision.UpcastFromRows, ModelPrecision.FewRowKernelRows, DecodeAttention: true), mixed.Matmul);

        var native = ModelPrecision.Resolve("bf16", "bfloat16", CPU, Bf16Native, SevenB, 48 * Gib).WithFewRowKernel("AVX-512");
        Assert.Equal(new MatmulPrecision(int.MaxValue, ModelPrecision.FewRowKernelRows, DecodeAttention: true), native.Matmul);
        Assert.EndsWith("decode attention in managed AVX-512 code", native.Description);

        var float16 = ModelPrecision.Resolve("fp16", "float16", CPU, Avx2Only, SevenB, 48 * Gib);
        Assert.Same(float16, float16.WithFewRowKernel("AVX2"));
    }

    [Fact]
    public void ExplicitDtypesAreHonouredWithFloat32MatmulsOnlyWhereTheCpuLacksTheType()
    {
        var mixed = ModelPrecision.Resolve("bf16", "float32", CPU, Avx2Only, SevenB, 48 * Gib);
        Assert.Equal(ScalarType.BFloat16, mixed.DType);
        Assert.NotNull(mixed.Matmul);

        var native = ModelPrecision.Resolve("bfloat16", "float32", CPU, Bf16Native, SevenB, 48 * Gib);
        Assert.Equal(ScalarType.BFloat16, native.DType);
        Assert.Null(native.Matmul);

        var float32 = ModelPrecision.Resolve("float32", "bfloat16", CPU, Avx2Only, SevenB, Gib);
        Assert.Equal(ScalarType.Float32, float32.DType);
        Assert.Null(float32.Matmul);
    }

    [Fact]
    public void AutoOnCudaTakesTheCheckpointDtype()
    {
        var gpu = new Device(DeviceType.CUDA, 0);
        var chosen = ModelPrecision.Resolve("auto", "bfloat16", gpu, Avx2Only, SevenB, Gib);
        Assert.Equal(ScalarType.BFloat16, chosen.DType);
        Assert.Null(chosen.Matmul);
    }

    [Fact]
    public void MatmulsFromTheThresholdRunInFloat32AndSmallerOnesInHalf()
    {
        var precision = new MatmulPrecision(UpcastFromRows: 4);
        using var weight = randn(16, 8).to(ScalarType.BFloat16);
        using var floatWeight = weight.to(ScalarType.Float32);
        foreach (var rows in new[] { 2, 4, 6 })
        {
            using var input = randn(1, rows, 8).to(ScalarType.BFloat16);
            using var output = MatmulPrecision.Linear(input, weight, null, precision);
            Assert.Equal(ScalarType.BFloat16, output.dtype);
            using var floatInput = input.to(ScalarType.Float32);
            using var upcastProduct = nn.functional.linear(floatInput, floatWeight);
            using var upcast = upcastProduct.to(ScalarType.BFloat16);
            using var native = nn.functional.linear(input, weight);
            Assert.True(TensorCompare.Identical(output, rows >= 4 ? upcast : native), $"{rows} rows took the wrong path");
        }
    }
}
