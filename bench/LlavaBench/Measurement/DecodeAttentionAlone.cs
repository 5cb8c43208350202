using Llava.Model;
using Llava.Model.Language;
using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace LlavaBench.Measurement;

/// <summary>
/// The attention of one decode step over the KV cache and nothing else: every layer's <see cref="DecodeAttention"/>
/// for <c>rows</c> sequences over the bare model's filled slots, with random queries, under the step's thread
/// hand-over. With <see cref="DecodeMatmuls"/> it bounds the step from below: both stream from memory (weights, then
/// the cached keys and values), so a step cannot take less than the two together.
/// </summary>
public sealed class DecodeAttentionAlone : IDisposable
{
    private readonly KvCache _cache;
    private readonly IReadOnlyList<int> _slots;
    private readonly int _length;
    private readonly Dictionary<int, Tensor> _queries = [];
    private readonly ScalarType _dtype;
    private readonly long _heads;
    private readonly long _headDim;

    private DecodeAttentionAlone(LlavaForConditionalGeneration model, KvCache cache, IReadOnlyList<int> slots, int length)
    {
        _cache = cache;
        _slots = slots;
        _length = length;
        _dtype = model.DType;
        _heads = model.Config.Text.NumAttentionHeads;
        _headDim = model.Config.Text.AttentionHeadDim;
    }

    /// <summary>The timer for a model whose decode attention runs in the managed kernel (null for one whose does not).</summary>
    /// <param name="length">Every slot's cached tokens.</param>
    public static DecodeAttentionAlone? For(LlavaForConditionalGeneration model, KvCache cache, IReadOnlyList<int> slots, int length) =>
        model.Precision.Matmul?.DecodeAttention == true && DecodeAttention.Takes(model.DType, model.Device, cache)
            ? new DecodeAttentionAlone(model, cache, slots, length)
            : null;

    /// <summary>Every layer's attention for the first <paramref name="rows"/> slots.</summary>
    public void Run(int rows)
    {
        using var inference = inference_mode(true);
        if (!_queries.TryGetValue(rows, out var q))
            _queries[rows] = q = randn(rows, _heads, _headDim, dtype: _dtype);
        var decode = new DecodeRows([.. Enumerable.Range(0, rows)], [.. _slots.Take(rows)], [.. Enumerable.Repeat(_length, rows)]);
        using var threads = KernelThreads.HandOver();
        for (var layer = 0; layer < _cache.NumLayers; layer++)
            DecodeAttention.Attend(q, _cache.Keys(layer), _cache.Values(layer), decode, KernelThreads.Count).Dispose();
    }

    public void Dispose()
    {
        foreach (var q in _queries.Values) q.Dispose();
    }
}
