using Llava.Model.Layers;
using Llava.Training.Modeling;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>
/// Per-patch shape and colour classifiers over the vision features LLaVA reads (<c>vision_feature_layer</c>), for
/// <see cref="PatchLabels"/>; discarded after pretraining like CLIP's text tower.
/// </summary>
public sealed class PatchAttributeHead : nn.Module
{
    public readonly LayerNorm norm;
    public readonly Linear shape;
    public readonly Linear color;

    public PatchAttributeHead(int hidden, int shapeClasses, int colorClasses, double layerNormEps) : base(nameof(PatchAttributeHead))
    {
        norm = new LayerNorm(hidden, layerNormEps, CPU, ScalarType.Float32);
        shape = new Linear(hidden, shapeClasses, hasBias: true, CPU, ScalarType.Float32);
        color = new Linear(hidden, colorClasses, hasBias: true, CPU, ScalarType.Float32);
        RegisterComponents();
        ParameterInitializer.Initialize(this);
    }

    /// <summary>Logits <c>[patches, classes]</c> of both heads for patch features <c>[patches, hidden]</c>.</summary>
    public (Tensor Shape, Tensor Color) Forward(Tensor patches)
    {
        using var scope = NewDisposeScope();
        var normed = norm.forward(patches);
        return (shape.forward(normed).MoveToOuterDisposeScope(), color.forward(normed).MoveToOuterDisposeScope());
    }
}
