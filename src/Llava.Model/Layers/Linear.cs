using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary><c>y = x Wᵀ + b</c> with Hugging Face parameter names (<c>weight</c>, <c>bias</c>).</summary>
public sealed class Linear : nn.Module<Tensor, Tensor>, IMatmulPrecisionUser
{
    public readonly Parameter weight;
    public readonly Parameter? bias;

    public Linear(long inFeatures, long outFeatures, bool hasBias, Device device, ScalarType dtype)
        : this(Parameters.Uninitialized([outFeatures, inFeatures], device, dtype),
               hasBias ? Parameters.Uninitialized([outFeatures], device, dtype) : null)
    {
    }

    /// <summary>Wraps existing parameters, e.g. an embedding matrix shared as a tied output head.</summary>
    public Linear(Parameter weight, Parameter? bias) : base(nameof(Linear))
    {
        this.weight = weight;
        this.bias = bias;
        RegisterComponents();
    }

    public MatmulPrecision? Precision { private get; set; }

    public override Tensor forward(Tensor input) => MatmulPrecision.Linear(input, weight, bias, Precision);
}
