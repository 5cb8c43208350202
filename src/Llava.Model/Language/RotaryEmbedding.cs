using Llava.Model.Config;
using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>
/// Llama's rotary position embedding with Hugging Face's rotate-half convention. The cos/sin tables for every
/// position up to <c>max_position_embeddings</c> are computed once in float32 (as Hugging Face does) and
/// gathered by position id, so a step costs one index_select. The sin table carries rotate_half's sign (see
/// <see cref="Apply"/>).
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    private readonly Tensor _cos;
    private readonly Tensor _sin;

    public RotaryEmbedding(LlamaTextConfig config, Device device) : base(nameof(RotaryEmbedding))
    {
        MaxPositions = config.MaxPositionEmbeddings;
        var headDim = config.AttentionHeadDim;
        using (var scope = NewDisposeScope())
        {
            using var dim = headDim.ToScalar();
            using var maxPositions = MaxPositions.ToScalar();
            var exponents = arange(Scalars.Zero, dim, Scalars.Two, ScalarType.Int64).to(ScalarType.Float32) / dim;
            var inverseFrequencies = tensor((float)config.RopeTheta).pow(exponents).reciprocal();
            if (config.RopeScaling is { Kind: "linear", Factor: var factor })
            {
                using var scale = factor.ToScalar();
                inverseFrequencies = inverseFrequencies / scale;
            }
            var positions = arange(Scalars.Zero, maxPositions, Scalars.One, ScalarType.Float32);
            var frequencies = outer(positions, inverseFrequencies);
            var angles = cat([frequencies, frequencies], -1);
            var sin = frequencies.sin();
            _cos = angles.cos().to(device).DetachFromDisposeScope();
            _sin = cat([-sin, sin], -1).to(device).DetachFromDisposeScope();
        }
        // Derived from the config, never from the checkpoint, so they stay out of the state dict.
        register_buffer("cos_cached", _cos, persistent: false);
        register_buffer("sin_cached", _sin, persistent: false);
    }

    public int MaxPositions { get; }

    /// <summary>
    /// cos and signed sin rows for int64 <paramref name="positionIds"/> <c>[n]</c>, each <c>[n, headDim]</c> in
    /// <paramref name="dtype"/>. The sin row's first half is negated: <c>[-sin θ, sin θ]</c>.
    /// </summary>
    public (Tensor Cos, Tensor SignedSin) ForPositions(Tensor positionIds, ScalarType dtype)
    {
        var cos = _cos.index_select(0, positionIds);
        var sin = _sin.index_select(0, positionIds);
        if (dtype == ScalarType.Float32) return (cos, sin);
        using (cos)
        using (sin)
            return (cos.to(dtype), sin.to(dtype));
    }

    /// <summary>
    /// <c>x·cos + rotate_half(x)·sin</c> with rotate_half(x) = <c>[-x₂, x₁]</c>, computed as
    /// <c>x·cos + [x₂, x₁]·[-sin, sin]</c>: a roll instead of two narrows, a negation and a cat, with bit-identical
    /// products because negating a factor is exact. cos and <paramref name="signedSin"/> must broadcast against
    /// <paramref name="x"/>; several heads (q and k together) may be rotated in one call.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        using var scope = NewDisposeScope();
        var rolled = x.roll(x.shape[^1] / 2, -1);
        return (x * cos).Plus(rolled * signedSin).MoveToOuterDisposeScope();
    }
}
