using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>
/// Linear maps of one input (q/k/v, gate/up) whose weights are consecutive row blocks of one matrix, so one matmul
/// computes them all. Each part is still a <see cref="Linear"/> with its own Hugging Face parameters, which are
/// views into the fused matrix: the loader fills them by checkpoint name, training updates them in place, and the
/// fused matrix sees every change without a copy or a second set of weights.
/// </summary>
public sealed class FusedLinear : IMatmulPrecisionUser, IDisposable
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;

    public FusedLinear(long inFeatures, long[] outFeatures, bool hasBias, Device device, ScalarType dtype)
    {
        var total = outFeatures.Sum();
        _weight = empty([total, inFeatures], dtype, device).DetachFromDisposeScope();
        _bias = hasBias ? empty([total], dtype, device).DetachFromDisposeScope() : null;
        var parts = new Linear[outFeatures.Length];
        long offset = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var weight = new Parameter(_weight.narrow(0, offset, outFeatures[i]), requires_grad: false);
            var bias = _bias is null ? null : new Parameter(_bias.narrow(0, offset, outFeatures[i]), requires_grad: false);
            weight.DetachFromDisposeScope();
            bias?.DetachFromDisposeScope();
            parts[i] = new Linear(weight, bias);
            offset += outFeatures[i];
        }
        Parts = parts;
    }

    /// <summary>The parts in row order, each owning a view of its rows.</summary>
    public IReadOnlyList<Linear> Parts { get; }

    public MatmulPrecision? Precision { private get; set; }

    /// <summary>All parts at once: <c>[..., Σ outFeatures]</c>, the parts' outputs side by side in order.</summary>
    public Tensor forward(Tensor input) => MatmulPrecision.Linear(input, _weight, _bias, Precision);

    public void Dispose()
    {
        _weight.Dispose();
        _bias?.Dispose();
    }
}
