using Llava.Model.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Vision;

/// <summary>The stack of CLIP encoder layers.</summary>
public sealed class ClipEncoder : nn.Module
{
    public readonly ModuleList<ClipEncoderLayer> layers;

    public ClipEncoder(ClipVisionConfig config, Device device, ScalarType dtype) : base(nameof(ClipEncoder))
    {
        layers = new ModuleList<ClipEncoderLayer>();
        for (var i = 0; i < config.NumHiddenLayers; i++)
            layers.Add(new ClipEncoderLayer(config, device, dtype));
        RegisterComponents();
    }

    /// <summary>Runs the first <paramref name="count"/> layers; later layers never influence the selected features.</summary>
    public Tensor ForwardFirst(Tensor hidden, int count) => ForwardLayers(hidden, 0, count);

    /// <summary>Runs layers <paramref name="start"/> to <paramref name="end"/> (exclusive) on a hidden state.</summary>
    public Tensor ForwardLayers(Tensor hidden, int start, int end)
    {
        using var scope = NewDisposeScope();
        var current = hidden;
        for (var i = start; i < end; i++)
            current = layers[i].forward(current);
        return current.alias().MoveToOuterDisposeScope();
    }
}
