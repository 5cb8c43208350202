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
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(self_attn.Forward(input_layernorm.forward(hidden), cos, sin));
        return FeedForward(afterAttention).MoveToOuterDisposeScope();
    }

    internal Tensor ForwardCached(Tensor hidden, PackedBatch batch, KvCache cache, int layer)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(self_attn.ForwardCached(input_layernorm.forward(hidden), batch, cache, layer));
        return FeedForward(afterAttention).MoveToOuterDisposeScope();
    }

    private Tensor FeedForward(Tensor hidden) => hidden.Plus(mlp.forward(post_attention_layernorm.forward(hidden)));
}
