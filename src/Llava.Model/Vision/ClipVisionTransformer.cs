using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model.Vision;

/// <summary>CLIP's vision transformer (<c>vision_model.*</c>).</summary>
public sealed class ClipVisionTransformer : nn.Module
{
    public readonly ClipVisionEmbeddings embeddings;
    public readonly LayerNorm pre_layrnorm;
    public readonly ClipEncoder encoder;

    /// <summary>Loaded from the checkpoint but never applied: LLaVA reads hidden states, not the pooled output.</summary>
    public readonly LayerNorm post_layernorm;

    public ClipVisionTransformer(ClipVisionConfig config, Device device, ScalarType dtype) : base(nameof(ClipVisionTransformer))
    {
        embeddings = new ClipVisionEmbeddings(config, device, dtype);
        pre_layrnorm = new LayerNorm(config.HiddenSize, config.LayerNormEps, device, dtype);
        encoder = new ClipEncoder(config, device, dtype);
        post_layernorm = new LayerNorm(config.HiddenSize, config.LayerNormEps, device, dtype);
        RegisterComponents();
    }

    /// <summary>
    /// Entry <paramref name="index"/> of Hugging Face's <c>hidden_states</c>: 0 is the embeddings after
    /// <c>pre_layrnorm</c>, i is the output of encoder layer i-1.
    /// </summary>
    public Tensor HiddenState(Tensor pixelValues, int index)
    {
        using var scope = NewDisposeScope();
        var hidden = pre_layrnorm.forward(embeddings.forward(pixelValues));
        return encoder.ForwardFirst(hidden, index).MoveToOuterDisposeScope();
    }
}
