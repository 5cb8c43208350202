using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>
/// Attention of single-token (decode) rows over the KV cache in managed SIMD code, for float32 or bfloat16 on the
/// CPU (bfloat16 keys and values widened as they are read, scores and sums in float32).
/// libtorch's SDPA over a batch of slots has to read every slot up to a common key length (rounded up to its
/// 512-key block so that a row's result does not depend on its neighbours) under a length mask, on libtorch's
/// threads; here each row reads its own slot's keys and values up to its own length, straight from the cache, and
/// the (row, KV head) pairs are split between threads. Every output element comes from one fixed sequence of
/// operations on that row's data alone (scores in key order, the maximum, exponentials, their sum in key order, the
/// weighted values in key order), so a row's bits do not depend on the batch or the thread split.
/// </summary>
public static unsafe class DecodeAttention
{
    /// <summary>Whether the kernel takes a step computed in <paramref name="dtype"/> on <paramref name="device"/> through <paramref name="cache"/>.</summary>
    public static bool Takes(ScalarType dtype, Device device, KvCache cache) =>
        KernelElements.Takes(dtype) && device.type == DeviceType.CPU && cache.Keys(0).dtype == dtype
        && cache.Keys(0).device_type == DeviceType.CPU && FewRowMatmul.IsSupported;

    /// <summary>
    /// <c>softmax(q kᵀ / √d) v</c> for each decode row, <c>[rows, heads · headDim]</c> in <paramref name="rows"/> order.
    /// </summary>
    /// <param name="q"><c>[tokens, heads, headDim]</c>, the step's queries: rows may be strided, each row's heads contiguous.</param>
    /// <param name="keys">The layer's whole cache, <c>[slots, kvHeads, capacity, headDim]</c>; likewise <paramref name="values"/>.</param>
    /// <param name="rows">Each decode row's packed row, slot and visible length.</param>
    public static Tensor Attend(Tensor q, Tensor keys, Tensor values, DecodeRows rows, int threads)
    {
        var heads = (int)q.shape[1];
        var headDim = (int)q.shape[2];
        var kvHeads = (int)keys.shape[1];
        var output = empty([rows.Count, heads * headDim], q.dtype, q.device);
        var job = new Job(TensorMemory.Address(q), q.stride(0), TensorMemory.Address(keys), TensorMemory.Address(values),
            TensorMemory.Address(output), rows, heads, kvHeads, headDim, (int)keys.shape[2], q.dtype == ScalarType.BFloat16);
        var items = rows.Count * kvHeads;
        var parts = Math.Clamp(threads, 1, items);
        KernelThreads.For(parts, part => job.Run(items * part / parts, items * (part + 1) / parts));
        return output;
    }

    private readonly record struct Job(nint Q, long QRowStride, nint K, nint V, nint Y, DecodeRows Rows, int Heads, int KvHeads,
        int HeadDim, int Capacity, bool BFloat16) : IKernelLoop
    {
        /// <summary>(row, KV head) pairs <c>[from, to)</c>, numbered row-major.</summary>
        public void Run(int from, int to) => KernelElements.Run(this, BFloat16, from, to);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TLanes, TVector, TElement>(int from, int to)
            where TLanes : ILanes<TVector> where TVector : struct where TElement : IKernelElement
        {
            var groups = Heads / KvHeads;
            var longest = 0;
            for (var item = from; item < to; item++) longest = Math.Max(longest, Rows.Lengths[item / KvHeads]);
            var buffer = ArrayPool<float>.Shared.Rent(longest + 2 * HeadDim);
            try
            {
                fixed (float* scratch = buffer)
                {
                    for (var item = from; item < to; item++)
                    {
                        var row = item / KvHeads;
                        var kvHead = item % KvHeads;
                        var length = Rows.Lengths[row];
                        var cacheOffset = ((long)Rows.Slots[row] * KvHeads + kvHead) * Capacity * HeadDim;
                        for (var g = 0; g < groups; g++)
                        {
                            var head = kvHead * groups + g;
                            float* query = scratch + longest + HeadDim;
                            var queryOffset = Rows.Packed[row] * QRowStride + (long)head * HeadDim;
                            for (var c = 0; c < HeadDim; c++) query[c] = TElement.Read((void*)Q, queryOffset + c);
                            Head<TLanes, TVector, TElement>(query, cacheOffset, length, scratch, scratch + longest,
                                ((long)row * Heads + head) * HeadDim);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// One query head over <paramref name="length"/> keys from element <paramref name="cache"/> of the keys and
        /// values, into element <paramref name="y"/> of the output; <paramref name="scores"/> holds that many floats,
        /// <paramref name="sum"/> a head's worth.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Head<TLanes, TVector, TElement>(float* q, long cache, int length, float* scores, float* sum, long y)
            where TLanes : ILanes<TVector> where TVector : struct where TElement : IKernelElement
        {
            void* k = (void*)K, v = (void*)V;
            int d = HeadDim, full = d - d % TLanes.Count;
            var scale = 1f / MathF.Sqrt(d);
            var max = float.NegativeInfinity;
            for (var t = 0; t < length; t++)
            {
                var kt = cache + (long)t * d;
                TVector acc = default;
                for (var c = 0; c < full; c += TLanes.Count)
                    acc = TLanes.FusedMultiplyAdd(TLanes.Load(q + c), TElement.Load<TLanes, TVector>(k, kt + c), acc);
                var dot = TLanes.Sum(acc);
                for (var c = full; c < d; c++) dot = MathF.FusedMultiplyAdd(q[c], TElement.Read(k, kt + c), dot);
                var score = dot * scale;
                scores[t] = score;
                max = MathF.Max(max, score);
            }
            var total = 0f;
            for (var t = 0; t < length; t++)
            {
                var weight = MathF.Exp(scores[t] - max);
                scores[t] = weight;
                total += weight;
            }
            new Span<float>(sum, d).Clear();
            for (var t = 0; t < length; t++)
            {
                var vt = cache + (long)t * d;
                var weight = TLanes.Broadcast(scores[t]);
                for (var c = 0; c < full; c += TLanes.Count)
                    TLanes.Store(TLanes.FusedMultiplyAdd(weight, TElement.Load<TLanes, TVector>(v, vt + c), TLanes.Load(sum + c)), sum + c);
                for (var c = full; c < d; c++) sum[c] = MathF.FusedMultiplyAdd(scores[t], TElement.Read(v, vt + c), sum[c]);
            }
            var inverse = 1f / total;
            for (var c = 0; c < d; c++) TElement.Write((void*)Y, y + c, sum[c] * inverse);
        }
    }
}

/// <summary>Host copies of the decode rows' packed row, slot and visible length (keys <c>0 .. length - 1</c>), in decode order.</summary>
public sealed record DecodeRows(int[] Packed, int[] Slots, int[] Lengths)
{
    public int Count => Packed.Length;
}
