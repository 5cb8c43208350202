using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>Llama's gated feed-forward block: <c>down(act(gate(x)) · up(x))</c>.</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>, IMatmulPrecisionUser
{
    public readonly Linear gate_proj;
    public readonly Linear up_proj;
    public readonly Linear down_proj;
    private readonly FusedLinear _gateUp;
    private readonly Func<Tensor, Tensor> _activation;

    public LlamaMlp(LlamaTextConfig config, Device device, ScalarType dtype) : base(nameof(LlamaMlp))
    {
        _gateUp = new FusedLinear(config.HiddenSize, [config.IntermediateSize, config.IntermediateSize], config.MlpBias,
            device, dtype);
        gate_proj = _gateUp.Parts[0];
        up_proj = _gateUp.Parts[1];
        down_proj = new Linear(config.IntermediateSize, config.HiddenSize, config.MlpBias, device, dtype);
        _activation = Activation.Resolve(config.HiddenAct);
        RegisterComponents();
    }

    public MatmulPrecision? Precision
    {
        set => _gateUp.Precision = value;
    }

    /// <summary>The separate projections, so gradients reach the gate and up parameters (training, reference).</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gated = _activation(gate_proj.forward(hidden)) * up_proj.forward(hidden);
        return down_proj.forward(gated).MoveToOuterDisposeScope();
    }

    /// <summary>Inference: gate and up in one fused matmul.</summary>
    internal Tensor ForwardFused(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gateUp = _gateUp.forward(hidden).chunk(2, -1);
        var gated = _activation(gateUp[0]) * gateUp[1];
        return down_proj.forward(gated).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gateUp.Dispose();
        base.Dispose(disposing);
    }
}
