using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model.Vision;

/// <summary>Bidirectional multi-head self-attention of a CLIP encoder layer.</summary>
public sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    public readonly Linear q_proj;
    public readonly Linear k_proj;
    public readonly Linear v_proj;
    public readonly Linear out_proj;
    private readonly int _heads;
    private readonly int _headDim;

    public ClipAttention(ClipVisionConfig config, Device device, ScalarType dtype) : base(nameof(ClipAttention))
    {
        var hidden = config.HiddenSize;
        q_proj = new Linear(hidden, hidden, hasBias: true, device, dtype);
        k_proj = new Linear(hidden, hidden, hasBias: true, device, dtype);
        v_proj = new Linear(hidden, hidden, hasBias: true, device, dtype);
        out_proj = new Linear(hidden, hidden, hasBias: true, device, dtype);
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        RegisterComponents();
    }

    /// <param name="hidden"><c>[batch, tokens, hidden]</c></param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        var tokens = hidden.shape[1];
        Tensor Heads(Linear projection) =>
            projection.forward(hidden).view(batch, tokens, _heads, _headDim).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(Heads(q_proj), Heads(k_proj), Heads(v_proj));
        var merged = attended.transpose(1, 2).reshape(batch, tokens, _heads * _headDim);
        return out_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
