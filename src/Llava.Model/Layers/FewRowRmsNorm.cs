using System.Runtime.CompilerServices;
using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>
/// Llama's RMSNorm of a few rows in managed code, for decode steps: the same arithmetic as <see cref="RmsNorm"/>'s
/// libtorch path (float32 sum of squares, <c>x / √(mean + ε)</c>, rounded to the model's dtype, times the weight),
/// in one call where libtorch takes six (eight in bfloat16), each of which costs more than the arithmetic of a
/// few rows. Each row is computed alone in a fixed order, so a row's result does not depend on the batch.
/// </summary>
internal static unsafe class FewRowRmsNorm
{
    /// <summary>
    /// What <see cref="FewRowMatmul.Takes"/> takes (float32 or bfloat16 CPU rows of the weight's dtype, no gradient to
    /// record, at most <paramref name="maxRows"/>), with the rows contiguous: the norm reads them in place.
    /// </summary>
    public static bool Takes(Tensor input, Tensor weight, int maxRows) =>
        FewRowMatmul.Takes(input, weight, null, maxRows) && input.is_contiguous();

    /// <summary><c>weight · x / √(mean(x²) + ε)</c> over the last axis; call only where <see cref="Takes"/> holds.</summary>
    public static Tensor Forward(Tensor input, Tensor weight, float eps)
    {
        var output = empty(input.shape, input.dtype, input.device);
        var size = (int)input.shape[^1];
        var rows = (int)MatmulPrecision.Rows(input.shape);
        void* x = (void*)TensorMemory.Address(input), w = (void*)TensorMemory.Address(weight), y = (void*)TensorMemory.Address(output);
        if (input.dtype == ScalarType.BFloat16) Normalise<BFloat16Element>(x, w, y, rows, size, eps);
        else Normalise<Float32Element>(x, w, y, rows, size, eps);
        return output;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Normalise<TElement>(void* x, void* w, void* y, int rows, int size, float eps) where TElement : IKernelElement
    {
        for (var r = 0; r < rows; r++)
        {
            long row = (long)r * size;
            var squares = 0f;
            for (var c = 0; c < size; c++)
            {
                var value = TElement.Read(x, row + c);
                squares = MathF.FusedMultiplyAdd(value, value, squares);
            }
            var scale = 1f / MathF.Sqrt(squares / size + eps);
            for (var c = 0; c < size; c++)
            {
                // Hugging Face casts the normalised row to the model's dtype before the weight multiplies it.
                TElement.Write(y, row + c, TElement.Read(w, c) * TElement.Round(TElement.Read(x, row + c) * scale));
            }
        }
    }
}
