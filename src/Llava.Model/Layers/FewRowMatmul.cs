using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>
/// <c>x Wᵀ + b</c> for a few float32 or bfloat16 rows on the CPU in managed SIMD code, the shape of a decode step.
/// With one row a linear layer is a matrix–vector product that only streams the weight from memory; libtorch 2.10 (TorchSharp
/// 0.107) runs it well below the memory bandwidth (a 110M-parameter decoder's matmuls: 23.8 ms per token quiet, about
/// 18.5 GB/s, on a 2-core AMD EPYC Zen 5, where llama.cpp's whole f32 token took 17.5 ms). Here each thread streams
/// its own block of weight rows once, four rows against every input row at a time. bfloat16 weights are widened to
/// float32 as they are loaded (<see cref="IKernelElement"/>), so a bfloat16 model streams half the bytes.
/// Every output element is one dot product in a fixed order (vector lanes over the columns, then their sum, then the
/// columns past the last full vector, then the bias), so a row's result does not depend on how many rows share the
/// call or how the weight rows are split between threads: decode stays batch invariant whatever the batch.
/// The loops here and in <c>Language.DecodeAttention</c> are compiled fully optimised from their first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): tiered compilation ran them unoptimised, about seven times
/// slower, until the runtime promoted them, which took the first requests and short benchmarks with it.
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
    /// Whether this is a case the kernel takes: float32 or bfloat16 CPU tensors of one dtype with contiguous
    /// parameters, no gradient to record, at most <paramref name="maxRows"/> rows.
    /// </summary>
    public static bool Takes(Tensor input, Tensor weight, Tensor? bias, int maxRows)
    {
        if (!KernelElements.Takes(input.dtype) || weight.dtype != input.dtype) return false;
        if (input.device_type != DeviceType.CPU || weight.device_type != DeviceType.CPU) return false;
        if ((weight.requires_grad || input.requires_grad) && is_grad_enabled()) return false;
        if (bias is not null && (bias.dtype != input.dtype || !bias.is_contiguous())) return false;
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
        var output = empty(outputShape, input.dtype, input.device);
        var rows = (int)MatmulPrecision.Rows(shape);
        if (rows == 0) return output;
        using var contiguous = input.is_contiguous() ? null : input.contiguous();
        var source = TensorMemory.Address(contiguous ?? input);
        var bfloat16 = input.dtype == ScalarType.BFloat16;
        // bfloat16 input rows are widened once here rather than once per group of weight rows in the loop.
        var widened = bfloat16 ? ArrayPool<float>.Shared.Rent(rows * (int)inFeatures) : null;
        try
        {
            fixed (float* x = widened)
            {
                if (x != null) Widen((ushort*)source, x, (long)rows * inFeatures);
                var job = new Job(x != null ? (nint)x : source, TensorMemory.Address(weight), bias is null ? 0 : TensorMemory.Address(bias),
                    TensorMemory.Address(output), rows, (int)inFeatures, (int)outFeatures, bfloat16);
                var groups = (job.OutFeatures + 3) / 4;
                var parts = Math.Clamp(threads, 1, groups);
                var perPart = (groups + parts - 1) / parts * 4;
                KernelThreads.For(parts, part => job.Run(part * perPart, Math.Min(job.OutFeatures, (part + 1) * perPart)));
            }
        }
        finally
        {
            if (widened is not null) ArrayPool<float>.Shared.Return(widened);
        }
        return output;
    }

    private static void Widen(ushort* source, float* destination, long count)
    {
        if (Vector512.IsHardwareAccelerated) Widen<Lanes512, Vector512<float>>(source, destination, count);
        else Widen<Lanes256, Vector256<float>>(source, destination, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen<TLanes, TVector>(ushort* source, float* destination, long count)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        long i = 0;
        for (; i + TLanes.Count <= count; i += TLanes.Count) TLanes.Store(TLanes.LoadBFloat16(source + i), destination + i);
        for (; i < count; i++) destination[i] = BFloat16Element.Read(source, i);
    }

    /// <summary>The float32 input rows <paramref name="X"/> against weights, bias and output of the model's dtype.</summary>
    private readonly record struct Job(nint X, nint W, nint B, nint Y, int Rows, int InFeatures, int OutFeatures, bool BFloat16) : IKernelLoop
    {
        /// <summary>Output features <c>[from, to)</c> of every row.</summary>
        public void Run(int from, int to) => KernelElements.Run(this, BFloat16, from, to);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TLanes, TVector, TElement>(int from, int to)
            where TLanes : ILanes<TVector> where TVector : struct where TElement : IKernelElement
        {
            float* x = (float*)X;
            void* w = (void*)W, b = (void*)B, y = (void*)Y;
            int n = InFeatures, full = n - n % TLanes.Count, o = from;
            for (; o + 4 <= to; o += 4)
            {
                long w0 = (long)o * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n;
                for (var r = 0; r < Rows; r++)
                {
                    float* xr = x + (long)r * n;
                    TVector s0 = default, s1 = default, s2 = default, s3 = default;
                    for (var c = 0; c < full; c += TLanes.Count)
                    {
                        var xv = TLanes.Load(xr + c);
                        s0 = TLanes.FusedMultiplyAdd(TElement.Load<TLanes, TVector>(w, w0 + c), xv, s0);
                        s1 = TLanes.FusedMultiplyAdd(TElement.Load<TLanes, TVector>(w, w1 + c), xv, s1);
                        s2 = TLanes.FusedMultiplyAdd(TElement.Load<TLanes, TVector>(w, w2 + c), xv, s2);
                        s3 = TLanes.FusedMultiplyAdd(TElement.Load<TLanes, TVector>(w, w3 + c), xv, s3);
                    }
                    long yr = (long)r * OutFeatures + o;
                    TElement.Write(y, yr, Finish<TElement>(TLanes.Sum(s0), w, w0, xr, full, n, b, o));
                    TElement.Write(y, yr + 1, Finish<TElement>(TLanes.Sum(s1), w, w1, xr, full, n, b, o + 1));
                    TElement.Write(y, yr + 2, Finish<TElement>(TLanes.Sum(s2), w, w2, xr, full, n, b, o + 2));
                    TElement.Write(y, yr + 3, Finish<TElement>(TLanes.Sum(s3), w, w3, xr, full, n, b, o + 3));
                }
            }
            for (; o < to; o++)
            {
                long wo = (long)o * n;
                for (var r = 0; r < Rows; r++)
                {
                    float* xr = x + (long)r * n;
                    TVector s = default;
                    for (var c = 0; c < full; c += TLanes.Count)
                        s = TLanes.FusedMultiplyAdd(TElement.Load<TLanes, TVector>(w, wo + c), TLanes.Load(xr + c), s);
                    TElement.Write(y, (long)r * OutFeatures + o, Finish<TElement>(TLanes.Sum(s), w, wo, xr, full, n, b, o));
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Finish<TElement>(float sum, void* w, long wRow, float* xRow, int full, int n, void* bias, int o)
            where TElement : IKernelElement
        {
            for (var c = full; c < n; c++) sum = MathF.FusedMultiplyAdd(TElement.Read(w, wRow + c), xRow[c], sum);
            return bias == null ? sum : sum + TElement.Read(bias, o);
        }
    }
}
