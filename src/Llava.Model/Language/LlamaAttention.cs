using Llava.Model.Config;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>Causal self-attention with rotary positions and grouped-query attention (GQA).</summary>
public sealed class LlamaAttention : nn.Module, IMatmulPrecisionUser
{
    public readonly Linear q_proj;
    public readonly Linear k_proj;
    public readonly Linear v_proj;
    public readonly Linear o_proj;
    private readonly FusedLinear _qkv;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public LlamaAttention(LlamaTextConfig config, Device device, ScalarType dtype) : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.AttentionHeadDim;
        _qkv = new FusedLinear(config.HiddenSize, [_heads * _headDim, _kvHeads * _headDim, _kvHeads * _headDim],
            config.AttentionBias, device, dtype);
        q_proj = _qkv.Parts[0];
        k_proj = _qkv.Parts[1];
        v_proj = _qkv.Parts[2];
        o_proj = new Linear(_heads * _headDim, config.HiddenSize, config.AttentionBias, device, dtype);
        RegisterComponents();
    }

    /// <summary>Query heads sharing one KV head; query head h reads KV head <c>h / Groups</c>.</summary>
    public int Groups => _heads / _kvHeads;

    public MatmulPrecision? Precision
    {
        set => _qkv.Precision = value;
    }

    /// <summary>Plain causal attention over whole sequences, for training and as a reference.</summary>
    /// <param name="hidden"><c>[batch, tokens, hidden]</c></param>
    /// <param name="cos">rotary cos, <c>[tokens, headDim]</c> in the compute dtype; likewise <paramref name="signedSin"/>.</param>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor signedSin)
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        var tokens = hidden.shape[1];
        var rotaryCos = cos.view(1, tokens, 1, _headDim);
        var rotarySin = signedSin.view(1, tokens, 1, _headDim);
        // The separate projections, not the fused matmul: gradients flow to the q/k/v parameters themselves.
        var q = RotaryEmbedding.Apply(q_proj.forward(hidden).view(batch, tokens, _heads, _headDim), rotaryCos, rotarySin);
        var k = RotaryEmbedding.Apply(k_proj.forward(hidden).view(batch, tokens, _kvHeads, _headDim), rotaryCos, rotarySin);
        var v = v_proj.forward(hidden).view(batch, tokens, _kvHeads, _headDim);
        var keys = k.transpose(1, 2).repeat_interleave(Groups, 1);
        var values = v.transpose(1, 2).repeat_interleave(Groups, 1);
        var attended = nn.functional.scaled_dot_product_attention(q.transpose(1, 2), keys, values, is_casual: true);
        var merged = attended.transpose(1, 2).reshape(batch, tokens, _heads * _headDim);
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Attention for a packed batch through the KV cache. One fused matmul projects q, k and v for all packed
    /// tokens, one rotary call turns q and k, and one indexed write per tensor stores every token's key and value
    /// in its slot. Single-token chunks (decode) then attend together in one batched SDPA call over the cache;
    /// each longer chunk (prefill) attends over a view of its own slot.
    /// </summary>
    /// <param name="hidden"><c>[tokens, hidden]</c>, chunks concatenated in batch order.</param>
    internal Tensor ForwardCached(Tensor hidden, PackedBatch batch, KvCache cache, int layer)
    {
        using var scope = NewDisposeScope();
        var tokens = hidden.shape[0];
        var qkv = _qkv.forward(hidden).view(tokens, _heads + 2 * _kvHeads, _headDim);
        var qk = RotaryEmbedding.Apply(qkv.narrow(1, 0, _heads + _kvHeads), batch.Cos, batch.SignedSin);
        var q = qk.narrow(1, 0, _heads);
        cache.Write(layer, batch.Slots, batch.Positions, qk.narrow(1, _heads, _kvHeads), qkv.narrow(1, _heads + _kvHeads, _kvHeads));

        var parts = new List<Tensor>(batch.Prefills.Count + 1);
        if (batch.ManagedDecode is { } rows) parts.Add(DecodeAttention.Attend(q, cache.Keys(layer), cache.Values(layer), rows, KernelThreads.Count));
        else if (batch.Decode is { } decode) parts.Add(AttendDecode(q, decode, cache, layer));
        foreach (var chunk in batch.Prefills) parts.Add(AttendPrefill(q, chunk, cache, layer));
        var merged = parts.Count == 1 ? parts[0] : cat(parts, 0);
        if (batch.Unpermute is { } order) merged = merged.index_select(0, order);
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// All single-token chunks in one SDPA call. Its batch axis runs over the contiguous slot range that holds
    /// them, read in place from the cache; unless the chunks are that range in slot order, each decode query goes
    /// to its slot's row (other rows stay zero and their outputs are dropped). The length mask hides positions
    /// past each slot's length.
    /// Grouped queries sit on the row axis (<c>[slots, kvHeads, groups, headDim]</c>) so the cache is read as it is.
    /// </summary>
    private Tensor AttendDecode(Tensor q, DecodeGroup decode, KvCache cache, int layer)
    {
        var queries = decode.Rows is { } rows ? q.index_select(0, rows)
            : decode.AllRows ? q
            : q.narrow(0, 0, decode.Count);
        var grouped = queries.view(decode.Count, _kvHeads, Groups, _headDim);
        var padded = decode.SlotOffsets is { } offsets
            ? zeros([decode.SlotCount, _kvHeads, Groups, _headDim], queries.dtype, queries.device).index_copy_(0, offsets, grouped)
            : grouped;
        var (keys, values) = cache.Window(layer, decode.FirstSlot, decode.SlotCount, decode.KeyLength);
        var attended = nn.functional.scaled_dot_product_attention(padded, keys, values, attn_mask: decode.Mask);
        var own = decode.SlotOffsets is { } slotOffsets ? attended.index_select(0, slotOffsets) : attended;
        return own.view(decode.Count, _heads * _headDim);
    }

    private Tensor AttendPrefill(Tensor q, PackedChunk chunk, KvCache cache, int layer)
    {
        var (keys, values) = cache.Prefix(layer, chunk.Slot, chunk.StartPosition + chunk.Length);
        // Grouped queries stacked along the row axis ([kvHeads, groups·length, headDim]), as in AttendDecode.
        var queries = q.narrow(0, chunk.Offset, chunk.Length).transpose(0, 1)
            .reshape(1, _kvHeads, Groups * chunk.Length, _headDim);
        var attended = nn.functional.scaled_dot_product_attention(queries, keys, values,
            attn_mask: chunk.Mask, is_casual: chunk.Causal);
        return attended.reshape(_heads, chunk.Length, _headDim).transpose(0, 1).reshape(chunk.Length, _heads * _headDim);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _qkv.Dispose();
        base.Dispose(disposing);
    }
}
