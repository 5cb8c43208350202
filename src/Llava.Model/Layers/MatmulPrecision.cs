using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>
/// How linear layers multiply on the CPU. Weights kept in half precision on a CPU without native half-precision
/// matmul kernels: there a half-precision matmul over many rows runs several times slower than float32, while over
/// a few rows it is memory-bound and wins by reading half the bytes. So a matmul of at least
/// <paramref name="UpcastFromRows"/> input rows (prefill chunks, the vision tower) converts its weight and input to
/// float32 just before use and its output back, and a smaller one (decode) multiplies in half precision. The
/// weights stay in half precision either way, so the model keeps half-precision memory.
/// Float32 and bfloat16 matmuls of at most <paramref name="FewRowKernelRows"/> rows (decode steps; 0: none) run in
/// <see cref="FewRowMatmul"/> instead of libtorch (and RMSNorms of as many rows in <see cref="FewRowRmsNorm"/>), and with <paramref name="DecodeAttention"/> the attention of
/// decode rows over the KV cache (its two products, <c>q kᵀ</c> and the weighted sum of values) runs in
/// <c>Language.DecodeAttention</c>.
/// </summary>
public sealed record MatmulPrecision(int UpcastFromRows, int FewRowKernelRows = 0, bool DecodeAttention = false)
{
    /// <summary><c>input Wᵀ + b</c> for <paramref name="input"/> <c>[..., in]</c> under <paramref name="precision"/> (null: as stored).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias, MatmulPrecision? precision)
    {
        if (precision is null) return nn.functional.linear(input, weight, bias);
        if (precision.FewRowKernelRows > 0 && FewRowMatmul.Takes(input, weight, bias, precision.FewRowKernelRows))
            return FewRowMatmul.Linear(input, weight, bias, KernelThreads.Count);
        if (!precision.Upcasts(input)) return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        using var floatBias = bias?.to(ScalarType.Float32);
        var output = nn.functional.linear(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), floatBias);
        return output.to(input.dtype).MoveToOuterDisposeScope();
    }

    private bool Upcasts(Tensor input) => input.dtype != ScalarType.Float32 && Rows(input.shape) >= UpcastFromRows;

    /// <summary>The rows a linear layer multiplies for an input of <paramref name="shape"/> <c>[..., in]</c>.</summary>
    internal static long Rows(long[] shape)
    {
        long rows = 1;
        for (var i = 0; i < shape.Length - 1; i++) rows *= shape[i];
        return rows;
    }
}

/// <summary>A layer whose matmuls follow a <see cref="MatmulPrecision"/> chosen at load time.</summary>
public interface IMatmulPrecisionUser
{
    MatmulPrecision? Precision { set; }
}
