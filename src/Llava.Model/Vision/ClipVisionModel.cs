using Llava.Model.Config;
using static TorchSharp.torch;

namespace Llava.Model.Vision;

/// <summary>The LLaVA vision tower (<c>vision_tower.vision_model.*</c>).</summary>
public sealed class ClipVisionModel : nn.Module
{
    public readonly ClipVisionTransformer vision_model;

    public ClipVisionModel(ClipVisionConfig config, Device device, ScalarType dtype) : base(nameof(ClipVisionModel))
    {
        vision_model = new ClipVisionTransformer(config, device, dtype);
        RegisterComponents();
    }

    /// <inheritdoc cref="ClipVisionTransformer.HiddenState"/>
    public Tensor HiddenState(Tensor pixelValues, int index) => vision_model.HiddenState(pixelValues, index);
}
