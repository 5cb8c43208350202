using Llava.Model.Config;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Llava.Model.Vision;

/// <summary>Patch embeddings with a prepended class token plus learned absolute position embeddings.</summary>
public sealed class ClipVisionEmbeddings : nn.Module<Tensor, Tensor>
{
    public readonly Parameter class_embedding;
    public readonly Conv2d patch_embedding;
    public readonly Embedding position_embedding;

    public ClipVisionEmbeddings(ClipVisionConfig config, Device device, ScalarType dtype) : base(nameof(ClipVisionEmbeddings))
    {
        class_embedding = Parameters.Uninitialized([config.HiddenSize], device, dtype);
        patch_embedding = new Conv2d(config.NumChannels, config.HiddenSize, config.PatchSize, config.PatchSize,
            hasBias: false, device, dtype);
        position_embedding = new Embedding(config.NumPatches + 1, config.HiddenSize, device, dtype);
        RegisterComponents();
    }

    /// <param name="pixelValues"><c>[batch, channels, image, image]</c> in the tower's dtype.</param>
    /// <returns><c>[batch, patches + 1, hidden]</c>, class token first.</returns>
    public override Tensor forward(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var batch = pixelValues.shape[0];
        var patches = patch_embedding.forward(pixelValues).flatten(2).transpose(1, 2);
        var classToken = class_embedding.expand(batch, 1, -1);
        var tokens = cat([classToken, patches], 1);
        // Positions are 0..patches in order, so the whole table is added as is.
        return tokens.Plus(position_embedding.weight.unsqueeze(0)).MoveToOuterDisposeScope();
    }
}
