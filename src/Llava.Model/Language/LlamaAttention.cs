using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>Causal self-attention with rotary positions and grouped-query attention (GQA).</summary>
public sealed class LlamaAttention : nn.Module
{
    public readonly Linear q_proj;
    public readonly Linear k_proj;
    public readonly Linear v_proj;
    public readonly Linear o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public LlamaAttention(LlamaTextConfig config, Device device, ScalarType dtype) : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.AttentionHeadDim;
        q_proj = new Linear(config.HiddenSize, _heads * _headDim, config.AttentionBias, device, dtype);
        k_proj = new Linear(config.HiddenSize, _kvHeads * _headDim, config.AttentionBias, device, dtype);
        v_proj = new Linear(config.HiddenSize, _kvHeads * _headDim, config.AttentionBias, device, dtype);
        o_proj = new Linear(_heads * _headDim, config.HiddenSize, config.AttentionBias, device, dtype);
        RegisterComponents();
    }

    /// <summary>Query heads sharing one KV head; query head h reads KV head <c>h / Groups</c>.</summary>
    public int Groups => _heads / _kvHeads;

    /// <summary>Plain causal attention over whole sequences, for training and as a reference.</summary>
    /// <param name="hidden"><c>[batch, tokens, hidden]</c></param>
    /// <param name="cos">rotary cos, <c>[tokens, headDim]</c> in the compute dtype; likewise <paramref name="sin"/>.</param>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        var tokens = hidden.shape[1];
        var rotaryCos = cos.view(1, tokens, 1, _headDim);
        var rotarySin = sin.view(1, tokens, 1, _headDim);
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
    /// Attention for a packed batch through the KV cache. Projections run once over all packed tokens; each chunk
    /// then writes its keys/values into its slot and attends over a view of the slot's prefix.
    /// </summary>
    /// <param name="hidden"><c>[tokens, hidden]</c>, chunks concatenated in batch order.</param>
    internal Tensor ForwardCached(Tensor hidden, PackedBatch batch, KvCache cache, int layer)
    {
        using var scope = NewDisposeScope();
        var tokens = hidden.shape[0];
        var q = RotaryEmbedding.Apply(q_proj.forward(hidden).view(tokens, _heads, _headDim), batch.Cos, batch.Sin);
        var k = RotaryEmbedding.Apply(k_proj.forward(hidden).view(tokens, _kvHeads, _headDim), batch.Cos, batch.Sin);
        var v = v_proj.forward(hidden).view(tokens, _kvHeads, _headDim);
        var outputs = new Tensor[batch.Chunks.Count];
        for (var c = 0; c < outputs.Length; c++)
        {
            var chunk = batch.Chunks[c];
            var (keys, values) = cache.Append(layer, chunk.Slot, chunk.StartPosition,
                k.narrow(0, chunk.Offset, chunk.Length).transpose(0, 1),
                v.narrow(0, chunk.Offset, chunk.Length).transpose(0, 1));
            // Grouped queries: the query heads that share a KV head are stacked along the row axis
            // ([kvHeads, groups·length, headDim]), so the cached keys and values are read as they are instead of
            // being copied once per group by repeat_interleave.
            var queries = q.narrow(0, chunk.Offset, chunk.Length).transpose(0, 1)
                .reshape(1, _kvHeads, Groups * chunk.Length, _headDim);
            var attended = nn.functional.scaled_dot_product_attention(queries, keys, values,
                attn_mask: chunk.Mask, is_casual: chunk.Causal);
            outputs[c] = attended.reshape(_heads, chunk.Length, _headDim).transpose(0, 1)
                .reshape(chunk.Length, _heads * _headDim);
        }
        var merged = outputs.Length == 1 ? outputs[0] : cat(outputs, 0);
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
