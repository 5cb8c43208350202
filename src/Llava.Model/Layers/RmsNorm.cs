using Llava.Model.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>
/// Llama's RMSNorm. Like Hugging Face it normalises in float32 whatever the compute dtype, casts back, and only
/// then multiplies by the weight — half-precision variance sums would drift from the reference.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>, IMatmulPrecisionUser
{
    public readonly Parameter weight;
    private readonly Scalar _eps;
    private readonly float _floatEps;
    private int _kernelRows;

    public RmsNorm(long size, double eps, Device device, ScalarType dtype) : base(nameof(RmsNorm))
    {
        weight = Parameters.Uninitialized([size], device, dtype);
        _eps = eps.ToScalar();
        _floatEps = (float)eps;
        RegisterComponents();
    }

    /// <summary>Rows up to which the norm runs in <see cref="FewRowRmsNorm"/>: as many as the few-row matmul kernel takes.</summary>
    public MatmulPrecision? Precision
    {
        set => _kernelRows = value?.FewRowKernelRows ?? 0;
    }

    public override Tensor forward(Tensor input)
    {
        if (_kernelRows > 0 && FewRowRmsNorm.Takes(input, weight, _kernelRows)) return FewRowRmsNorm.Forward(input, weight, _floatEps);
        using var scope = NewDisposeScope();
        var half = input.dtype != ScalarType.Float32;
        var x = half ? input.to(ScalarType.Float32) : input;
        var variance = x.pow(Scalars.Two).mean([-1], keepdim: true);
        var normalised = x * variance.Plus(_eps).rsqrt();
        return (weight * (half ? normalised.to(input.dtype) : normalised)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _eps.Dispose();
        base.Dispose(disposing);
    }
}
