using Llava.Model;
using Llava.Model.Tensors;
using Llava.Training.Data;
using Llava.Training.Shapes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>
/// One image with the ids of its caption and of optional hard-negative captions: near-misses (one attribute changed,
/// or two objects' attributes swapped) that the image must rank below its own caption; and, from a scene file, its
/// objects' boxes for <see cref="PatchLabels"/> (null where the data gives none; empty for a scene without objects).
/// </summary>
public sealed record CaptionSample(string Id, string Image, int[] CaptionIds, IReadOnlyList<int[]> NegativeIds,
    IReadOnlyList<ObjectAnnotation>? Objects)
{
    public CaptionSample(string id, string image, int[] captionIds) : this(id, image, captionIds, [], null) { }
}

/// <summary>
/// CLIP's symmetric InfoNCE loss over a batch of image–caption pairs: the image embedding is the tower's final class
/// token after <c>post_layernorm</c> (as CLIP pools), each image must pick out its caption among the batch's captions
/// and vice versa. Hard-negative captions join the candidates on the image-to-text side only, as in NegCLIP: random
/// batches rarely contain two scenes that differ in one attribute, so without them the tower learns whatever tells
/// scenes apart most cheaply (colours, positions) and little about shapes or which colour goes with which shape.
/// Trains the whole vision tower plus the <see cref="ClipTextTower"/>; with a <see cref="PatchAttributeHead"/>, adds
/// its per-patch cross-entropy (<see cref="PatchLabels"/>) on the features LLaVA reads, for the samples with boxes.
/// </summary>
public sealed class ContrastiveObjective : ITrainingObjective
{
    private static readonly Scalar MaxLogitScale = 4.6052.ToScalar(); // ln 100, CLIP's clamp

    private readonly LlavaForConditionalGeneration _model;
    private readonly ClipTextTower _tower;
    private readonly IReadOnlyList<CaptionSample> _train;
    private readonly IReadOnlyList<CaptionSample> _validation;
    private readonly ImageStore _images;
    private readonly (PatchAttributeHead Head, PatchLabels Labels, double Weight)? _patches;

    /// <param name="patchLabelWeight">Weight of the per-patch loss beside the contrastive one; 0 leaves it out.</param>
    public ContrastiveObjective(LlavaForConditionalGeneration model, ClipTextTower tower, IReadOnlyList<CaptionSample> train,
        IReadOnlyList<CaptionSample> validation, ImageStore images, double patchLabelWeight = 0)
    {
        _model = model;
        _tower = tower;
        _train = train;
        _validation = validation;
        _images = images;
        var vision = TrainingStages.Unfreeze(model, TrainingStage.Clip);
        nn.Module auxiliary = tower;
        if (patchLabelWeight > 0)
        {
            var labels = new PatchLabels(train.SelectMany(s => s.Objects ?? []));
            var config = model.Config.Vision;
            var head = new PatchAttributeHead(config.HiddenSize, labels.ShapeClasses, labels.ColorClasses, config.LayerNormEps);
            _patches = (head, labels, patchLabelWeight);
            auxiliary = new ContrastiveHeads(tower, head);
        }
        Auxiliary = auxiliary;
        var auxiliaryParameters = auxiliary.parameters().ToList();
        foreach (var parameter in auxiliaryParameters) parameter.requires_grad_(true);
        Parameters = [.. vision, .. auxiliaryParameters];
    }

    public string Name => TrainingStage.Clip.Name();
    public int TrainingSamples => _train.Count;
    public int ValidationSamples => _validation.Count;
    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<int>? TrainingLengths => null;
    public nn.Module? Auxiliary { get; }

    public BatchLoss Loss(IReadOnlyList<int> samples, bool validation)
    {
        var source = validation ? _validation : _train;
        return Loss(samples.Select(i => source[i]).ToList());
    }

    public BatchLoss Loss(IReadOnlyList<CaptionSample> batch)
    {
        using var scope = NewDisposeScope();
        var vision = _model.vision_tower.vision_model;
        using var pixels = _images.Pixels(batch.Select(s => s.Image).ToList());
        var featureLayer = _model.Config.VisionFeatureLayerIndex;
        var features = vision.HiddenState(pixels, featureLayer);
        var hidden = vision.encoder.ForwardLayers(features, featureLayer, _model.Config.Vision.NumHiddenLayers);
        var pooled = vision.post_layernorm.forward(hidden.select(1, 0));
        var images = _tower.EmbedImage(pooled);

        var texts = batch.Select(s => s.CaptionIds).Concat(batch.SelectMany(s => s.NegativeIds)).ToList();
        var captions = EmbedCaptions(texts);

        var scale = _tower.logit_scale.clamp(max: MaxLogitScale).exp();
        var imageToText = scale * images.matmul(captions.t());
        var textToImage = imageToText.narrow(1, 0, batch.Count).t();
        using var count = batch.Count.ToScalar();
        var targets = arange(Scalars.Zero, count, Scalars.One, ScalarType.Int64);
        var imageLoss = nn.functional.cross_entropy(imageToText, targets);
        var textLoss = nn.functional.cross_entropy(textToImage, targets);
        var loss = imageLoss.Plus(textLoss) / Scalars.Two;
        if (_patches is { } patches && batch.All(s => s.Objects is not null))
        {
            using var weight = patches.Weight.ToScalar();
            loss = loss.Plus(PatchLoss(features, batch, patches.Head, patches.Labels) * weight);
        }
        var tokens = texts.Sum(t => (long)t.Length) + batch.Count * hidden.shape[1];
        return new BatchLoss(loss.MoveToOuterDisposeScope(), tokens, batch.Count);
    }

    /// <summary>Mean of the shape and colour heads' cross-entropies over every patch token (the class token left out).</summary>
    private Tensor PatchLoss(Tensor features, IReadOnlyList<CaptionSample> batch, PatchAttributeHead head, PatchLabels labels)
    {
        var vision = _model.Config.Vision;
        var patches = vision.NumPatches;
        var shapes = new long[batch.Count * patches];
        var colors = new long[batch.Count * patches];
        for (var b = 0; b < batch.Count; b++)
        {
            var (shape, color) = labels.For(batch[b].Objects!, vision.PatchesPerSide);
            shape.CopyTo(shapes, b * patches);
            color.CopyTo(colors, b * patches);
        }
        var flat = features.narrow(1, 1, patches).reshape(-1, vision.HiddenSize);
        var (shapeLogits, colorLogits) = head.Forward(flat);
        var shapeLoss = nn.functional.cross_entropy(shapeLogits, tensor(shapes));
        var colorLoss = nn.functional.cross_entropy(colorLogits, tensor(colors));
        return shapeLoss.Plus(colorLoss) / Scalars.Two;
    }

    private Tensor EmbedCaptions(IReadOnlyList<int[]> texts)
    {
        var length = texts.Max(t => t.Length);
        var ids = new long[texts.Count * length];
        for (var b = 0; b < texts.Count; b++)
        {
            for (var t = 0; t < texts[b].Length; t++) ids[b * length + t] = texts[b][t];
        }
        var lengths = tensor(texts.Select(t => (long)t.Length).ToArray());
        return _tower.EmbedText(tensor(ids, [texts.Count, length]), lengths);
    }
}
