using Llava.Model.Config;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using Embedding = Llava.Model.Layers.Embedding;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>The Llama decoder stack (<c>language_model.model.*</c>).</summary>
public sealed class LlamaModel : nn.Module, IMatmulPrecisionUser
{
    public readonly Embedding embed_tokens;
    public readonly ModuleList<LlamaDecoderLayer> layers;
    public readonly RmsNorm norm;
    public readonly RotaryEmbedding rotary_emb;
    private readonly int _groups;
    private bool _managedDecode;

    public LlamaModel(LlamaTextConfig config, Device device, ScalarType dtype) : base(nameof(LlamaModel))
    {
        embed_tokens = new Embedding(config.VocabSize, config.HiddenSize, device, dtype);
        layers = new ModuleList<LlamaDecoderLayer>();
        for (var i = 0; i < config.NumHiddenLayers; i++)
            layers.Add(new LlamaDecoderLayer(config, device, dtype));
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        rotary_emb = new RotaryEmbedding(config, device);
        _groups = config.NumAttentionHeads / config.KeyValueHeads;
        RegisterComponents();
    }

    public MatmulPrecision? Precision
    {
        set => _managedDecode = value?.DecodeAttention == true;
    }

    /// <summary>Causal forward over whole sequences <c>[batch, tokens, hidden]</c>; returns the normed hidden states.</summary>
    public Tensor Forward(Tensor inputsEmbeds)
    {
        var tokens = (int)inputsEmbeds.shape[1];
        if (tokens > rotary_emb.MaxPositions)
            throw new ArgumentException(
                $"sequence of {tokens} tokens exceeds max_position_embeddings {rotary_emb.MaxPositions}", nameof(inputsEmbeds));
        using var scope = NewDisposeScope();
        using var end = tokens.ToScalar();
        var positions = arange(Scalars.Zero, end, Scalars.One, ScalarType.Int64, inputsEmbeds.device);
        var (cos, sin) = rotary_emb.ForPositions(positions, inputsEmbeds.dtype);
        var hidden = inputsEmbeds;
        foreach (var layer in layers)
            hidden = layer.Forward(hidden, cos, sin);
        return norm.forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Packed forward through the KV cache (<paramref name="inputsEmbeds"/> <c>[tokens, hidden]</c>). Returns the
    /// normed hidden states of each chunk's last row, or with <paramref name="allPositions"/> of every row: the
    /// final norm is per token, so selecting first saves work.
    /// </summary>
    internal Tensor ForwardCached(Tensor inputsEmbeds, ForwardBatch batch, KvCache cache, bool allPositions, StepIndexBuffer indices)
    {
        using var scope = NewDisposeScope();
        var managedDecode = _managedDecode && DecodeAttention.Takes(inputsEmbeds.dtype, inputsEmbeds.device, cache);
        var packed = PackedBatch.Build(batch, cache, rotary_emb, _groups, inputsEmbeds.dtype, inputsEmbeds.device, indices, managedDecode);
        var hidden = inputsEmbeds;
        for (var i = 0; i < layers.Count; i++)
            hidden = layers[i].ForwardCached(hidden, packed, cache, i);
        var selected = allPositions || packed.LastRows is not { } lastRows ? hidden : hidden.index_select(0, lastRows);
        return norm.forward(selected).MoveToOuterDisposeScope();
    }
}
