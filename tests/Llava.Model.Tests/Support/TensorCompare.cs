using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tests.Support;

public static class TensorCompare
{
    /// <summary>Same shape and bit-for-bit equal values.</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }

    /// <summary>
    /// How far the worst element of <paramref name="actual"/> lies outside <c>relative · |expected| + absolute</c> of
    /// <paramref name="expected"/>, compared in float32: at most 0 when every element is within its bound.
    /// </summary>
    public static float ExcessOverBound(Tensor actual, Tensor expected, double relative, double absolute)
    {
        using var scope = NewDisposeScope();
        using var step = relative.ToScalar();
        using var slack = absolute.ToScalar();
        var reference = expected.to(ScalarType.Float32);
        var bound = reference.abs().mul(step).add(slack);
        return ((actual.to(ScalarType.Float32) - reference).abs() - bound).max().item<float>();
    }
}
