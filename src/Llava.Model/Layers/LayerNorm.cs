using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>LayerNorm over the last dimension with learned <c>weight</c> and <c>bias</c>, as CLIP uses.</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    public readonly Parameter weight;
    public readonly Parameter bias;
    private readonly long[] _shape;
    private readonly double _eps;

    public LayerNorm(long size, double eps, Device device, ScalarType dtype) : base(nameof(LayerNorm))
    {
        weight = Parameters.Uninitialized([size], device, dtype);
        bias = Parameters.Uninitialized([size], device, dtype);
        _shape = [size];
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, _shape, weight, bias, _eps);
}
