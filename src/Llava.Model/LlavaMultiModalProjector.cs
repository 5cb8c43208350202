using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>The two-layer MLP that maps CLIP features into the language model's embedding space.</summary>
public sealed class LlavaMultiModalProjector : nn.Module<Tensor, Tensor>
{
    public readonly Linear linear_1;
    public readonly Linear linear_2;
    private readonly Func<Tensor, Tensor> _activation;

    public LlavaMultiModalProjector(LlavaConfig config, Device device, ScalarType dtype) : base(nameof(LlavaMultiModalProjector))
    {
        var textHidden = config.Text.HiddenSize;
        linear_1 = new Linear(config.Vision.HiddenSize, textHidden, config.MultimodalProjectorBias, device, dtype);
        linear_2 = new Linear(textHidden, textHidden, config.MultimodalProjectorBias, device, dtype);
        _activation = Activation.Resolve(config.ProjectorHiddenAct);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        return linear_2.forward(_activation(linear_1.forward(features))).MoveToOuterDisposeScope();
    }
}
