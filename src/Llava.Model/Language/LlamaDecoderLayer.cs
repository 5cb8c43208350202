using Llava.Model.Config;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>A pre-norm Llama transformer block.</summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    public readonly LlamaAttention self_attn;
    public readonly LlamaMlp mlp;
    public readonly RmsNorm input_layernorm;
    public readonly RmsNorm post_attention_layernorm;

    public LlamaDecoderLayer(LlamaTextConfig config, Device device, ScalarType dtype) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config, device, dtype);
        mlp = new LlamaMlp(config, device, dtype);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    /// <inheritdoc cref="LlamaAttention.Forward"/>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor signedSin)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(self_attn.Forward(input_layernorm.forward(hidden), cos, signedSin));
        return afterAttention.Plus(mlp.forward(post_attention_layernorm.forward(afterAttention))).MoveToOuterDisposeScope();
    }

    internal Tensor ForwardCached(Tensor hidden, PackedBatch batch, KvCache cache, int layer)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(self_attn.ForwardCached(input_layernorm.forward(hidden), batch, cache, layer));
        return afterAttention.Plus(mlp.ForwardFused(post_attention_layernorm.forward(afterAttention))).MoveToOuterDisposeScope();
    }
}
