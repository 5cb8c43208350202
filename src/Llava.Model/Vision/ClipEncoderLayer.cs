using Llava.Model.Config;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace Llava.Model.Vision;

/// <summary>A pre-norm CLIP transformer block.</summary>
public sealed class ClipEncoderLayer : nn.Module<Tensor, Tensor>
{
    public readonly ClipAttention self_attn;
    public readonly LayerNorm layer_norm1;
    public readonly ClipMlp mlp;
    public readonly LayerNorm layer_norm2;

    public ClipEncoderLayer(ClipVisionConfig config, Device device, ScalarType dtype) : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(config, device, dtype);
        layer_norm1 = new LayerNorm(config.HiddenSize, config.LayerNormEps, device, dtype);
        mlp = new ClipMlp(config, device, dtype);
        layer_norm2 = new LayerNorm(config.HiddenSize, config.LayerNormEps, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(self_attn.forward(layer_norm1.forward(hidden)));
        var output = afterAttention.Plus(mlp.forward(layer_norm2.forward(afterAttention)));
        return output.MoveToOuterDisposeScope();
    }
}
