using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>A lookup table of <c>weight</c> rows indexed by int64 ids.</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    public readonly Parameter weight;

    public Embedding(long count, long size, Device device, ScalarType dtype) : base(nameof(Embedding))
    {
        weight = Parameters.Uninitialized([count, size], device, dtype);
        RegisterComponents();
    }

    /// <summary>Rows for <paramref name="ids"/> of any shape; the result has shape <c>[..ids.shape, size]</c>.</summary>
    public override Tensor forward(Tensor ids)
    {
        using var flat = ids.reshape(-1);
        using var rows = weight.index_select(0, flat);
        return rows.reshape([.. ids.shape, weight.shape[1]]);
    }
}
