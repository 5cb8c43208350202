using TorchSharp;

namespace Llava.Model.Tensors;

/// <summary>
/// Shared TorchSharp Scalars for constants, and the rule they serve. <see cref="Scalar"/> is a finalizable wrapper
/// whose methods hand only its native handle to libtorch, so a Scalar that nothing references once the handle is
/// read — every implicit conversion (<c>x.pow(2)</c>, <c>masked_fill(mask, 0)</c>, <c>x * 0.5</c>) and the alpha
/// of 1 that TorchSharp makes inside <c>a + b</c> — can be finalized by a garbage collection in the middle of the
/// native call, which then reads freed memory (c10 "Expected false to be true" in <c>Scalar::toFloat</c>, or a
/// crash). So every Scalar has an owner while the call runs: these static fields for constants, a field disposed
/// with its module for a setting the module uses on every forward (RmsNorm's eps), and a <c>using</c> variable for
/// anything else; tensor sums go through <see cref="TensorArithmetic"/>.
/// The analyzers in build/Llava.Analyzers (LLAVA0001, LLAVA0002) reject code that breaks the rule.
/// </summary>
public static class Scalars
{
    /// <summary>Int32 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Int32 1, also the alpha TorchSharp itself passes for a plain add.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>Int32 2.</summary>
    public static readonly Scalar Two = 2.ToScalar();
}
