using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>Llama's gated feed-forward block: <c>down(act(gate(x)) · up(x))</c>.</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    public readonly Linear gate_proj;
    public readonly Linear up_proj;
    public readonly Linear down_proj;
    private readonly Func<Tensor, Tensor> _activation;

    public LlamaMlp(LlamaTextConfig config, Device device, ScalarType dtype) : base(nameof(LlamaMlp))
    {
        gate_proj = new Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, device, dtype);
        up_proj = new Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, device, dtype);
        down_proj = new Linear(config.IntermediateSize, config.HiddenSize, config.MlpBias, device, dtype);
        _activation = Activation.Resolve(config.HiddenAct);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gated = _activation(gate_proj.forward(hidden)) * up_proj.forward(hidden);
        return down_proj.forward(gated).MoveToOuterDisposeScope();
    }
}
