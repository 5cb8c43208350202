using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>
/// <c>x Wᵀ + b</c> for a few float32 rows on the CPU in managed SIMD code, the shape of a decode step. With one row
/// a linear layer is a matrix–vector product that only streams the weight from memory; libtorch 2.10 (TorchSharp
/// 0.107) runs it well below the memory bandwidth (a 110M-parameter decoder's matmuls: 23.8 ms per token quiet, about
/// 18.5 GB/s, on a 2-core AMD EPYC Zen 5, where llama.cpp's whole f32 token took 17.5 ms). Here each thread streams
/// its own block of weight rows once, four rows against every input row at a time.
/// Every output element is one dot product in a fixed order (vector lanes over the columns, then their sum, then the
/// columns past the last full vector, then the bias), so a row's result does not depend on how many rows share the
/// call or how the weight rows are split between threads: decode stays batch invariant whatever the batch.
/// </summary>
public static unsafe class FewRowMatmul
{
    /// <summary>
    /// Whether this CPU runs 256- or 512-bit vector FMA in hardware (AVX2 + FMA or AVX-512 on x86, detected at run
    /// time), so that the kernel is worth using. It computes the same elsewhere, emulated and slowly.
    /// </summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated || (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported);

    /// <summary>The vector width the kernel uses on this CPU, for the start-up log.</summary>
    public static string VectorName => Vector512.IsHardwareAccelerated ? "AVX-512" : "AVX2";

    /// <summary>
    /// Whether this is a case the kernel takes: float32 CPU tensors with contiguous parameters, no gradient to
    /// record, at most <paramref name="maxRows"/> rows.
    /// </summary>
    public static bool Takes(Tensor input, Tensor weight, Tensor? bias, int maxRows)
    {
        if (input.dtype != ScalarType.Float32 || weight.dtype != ScalarType.Float32) return false;
        if (input.device_type != DeviceType.CPU || weight.device_type != DeviceType.CPU) return false;
        if ((weight.requires_grad || input.requires_grad) && is_grad_enabled()) return false;
        if (bias is not null && (bias.dtype != ScalarType.Float32 || !bias.is_contiguous())) return false;
        return MatmulPrecision.Rows(input.shape) <= maxRows && weight.is_contiguous();
    }

    /// <summary><c>input Wᵀ + b</c> for <paramref name="input"/> <c>[..., in]</c>; call only where <see cref="Takes"/> holds.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias, int threads)
    {
        var shape = input.shape;
        var outFeatures = weight.shape[0];
        var inFeatures = weight.shape[1];
        var outputShape = (long[])shape.Clone();
        outputShape[^1] = outFeatures;
        var output = empty(outputShape, ScalarType.Float32, input.device);
        var rows = (int)MatmulPrecision.Rows(shape);
        if (rows == 0) return output;
        using var contiguous = input.is_contiguous() ? null : input.contiguous();
        var job = new Job(TensorMemory.Address(contiguous ?? input), TensorMemory.Address(weight), bias is null ? 0 : TensorMemory.Address(bias), TensorMemory.Address(output), rows, (int)inFeatures, (int)outFeatures);
        var groups = (job.OutFeatures + 3) / 4;
        var parts = Math.Clamp(threads, 1, groups);
        if (parts == 1) job.Run(0, job.OutFeatures);
        else
        {
            var perPart = (groups + parts - 1) / parts * 4;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts },
                part => job.Run(part * perPart, Math.Min(job.OutFeatures, (part + 1) * perPart)));
        }
        return output;
    }

    private readonly record struct Job(nint X, nint W, nint B, nint Y, int Rows, int InFeatures, int OutFeatures)
    {
        /// <summary>Output features <c>[from, to)</c> of every row.</summary>
        public void Run(int from, int to)
        {
            if (Vector512.IsHardwareAccelerated) Run<Lanes512, Vector512<float>>(from, to);
            else Run<Lanes256, Vector256<float>>(from, to);
        }

        private void Run<TLanes, TVector>(int from, int to) where TLanes : ILanes<TVector> where TVector : struct
        {
            float* x = (float*)X, w = (float*)W, b = (float*)B, y = (float*)Y;
            int n = InFeatures, full = n - n % TLanes.Count, o = from;
            for (; o + 4 <= to; o += 4)
            {
                float* w0 = w + (long)o * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n;
                for (var r = 0; r < Rows; r++)
                {
                    float* xr = x + (long)r * n;
                    TVector s0 = default, s1 = default, s2 = default, s3 = default;
                    for (var c = 0; c < full; c += TLanes.Count)
                    {
                        var xv = TLanes.Load(xr + c);
                        s0 = TLanes.FusedMultiplyAdd(TLanes.Load(w0 + c), xv, s0);
                        s1 = TLanes.FusedMultiplyAdd(TLanes.Load(w1 + c), xv, s1);
                        s2 = TLanes.FusedMultiplyAdd(TLanes.Load(w2 + c), xv, s2);
                        s3 = TLanes.FusedMultiplyAdd(TLanes.Load(w3 + c), xv, s3);
                    }
                    float* yr = y + (long)r * OutFeatures + o;
                    yr[0] = Finish(TLanes.Sum(s0), w0, xr, full, n, b, o);
                    yr[1] = Finish(TLanes.Sum(s1), w1, xr, full, n, b, o + 1);
                    yr[2] = Finish(TLanes.Sum(s2), w2, xr, full, n, b, o + 2);
                    yr[3] = Finish(TLanes.Sum(s3), w3, xr, full, n, b, o + 3);
                }
            }
            for (; o < to; o++)
            {
                float* wo = w + (long)o * n;
                for (var r = 0; r < Rows; r++)
                {
                    float* xr = x + (long)r * n;
                    TVector s = default;
                    for (var c = 0; c < full; c += TLanes.Count)
                        s = TLanes.FusedMultiplyAdd(TLanes.Load(wo + c), TLanes.Load(xr + c), s);
                    y[(long)r * OutFeatures + o] = Finish(TLanes.Sum(s), wo, xr, full, n, b, o);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Finish(float sum, float* wRow, float* xRow, int full, int n, float* bias, int o)
        {
            for (var c = full; c < n; c++) sum = MathF.FusedMultiplyAdd(wRow[c], xRow[c], sum);
            return bias == null ? sum : sum + bias[o];
        }
    }
}
