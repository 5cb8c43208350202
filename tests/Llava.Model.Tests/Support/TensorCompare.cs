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
}
