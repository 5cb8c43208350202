using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tensors;

/// <summary>
/// Tensor addition with an owned alpha. TorchSharp's <c>a + b</c> and <c>add(b)</c> pass a temporary alpha Scalar
/// to libtorch (see <see cref="Scalars"/> for why that can crash); these pass <see cref="Scalars.One"/>, which is
/// the same value, so results are bit for bit those of the operator. Subtraction needs no counterpart:
/// TorchSharp's <c>sub</c> has no alpha.
/// </summary>
public static class TensorArithmetic
{
    /// <summary><c>left + right</c>, broadcasting as the operator does.</summary>
    public static Tensor Plus(this Tensor left, Tensor right) => left.add(right, Scalars.One);

    /// <summary><c>left + right</c> for a Scalar the caller owns.</summary>
    public static Tensor Plus(this Tensor left, Scalar right) => left.add(right, Scalars.One);
}
