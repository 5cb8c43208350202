using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model.Vision;

/// <summary>The feed-forward block of a CLIP encoder layer: fc1, activation, fc2.</summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    public readonly Linear fc1;
    public readonly Linear fc2;
    private readonly Func<Tensor, Tensor> _activation;

    public ClipMlp(ClipVisionConfig config, Device device, ScalarType dtype) : base(nameof(ClipMlp))
    {
        fc1 = new Linear(config.HiddenSize, config.IntermediateSize, hasBias: true, device, dtype);
        fc2 = new Linear(config.IntermediateSize, config.HiddenSize, hasBias: true, device, dtype);
        _activation = Activation.Resolve(config.HiddenAct);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return fc2.forward(_activation(fc1.forward(hidden))).MoveToOuterDisposeScope();
    }
}
