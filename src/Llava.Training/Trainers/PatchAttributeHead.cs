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

    /// <summary>
    /// Logits <c>[batch · patches, classes]</c> of both heads, scene after scene as <see cref="PatchLabels"/> lays out its
    /// targets, for the tower's features <c>[batch, 1 + patches, hidden]</c> (the class token first, which is not a patch).
    /// </summary>
    public (Tensor Shape, Tensor Color) Forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var patches = features.narrow(1, 1, features.shape[1] - 1).reshape(-1, features.shape[2]);
        var normed = norm.forward(patches);
        return (shape.forward(normed).MoveToOuterDisposeScope(), color.forward(normed).MoveToOuterDisposeScope());
    }
}
