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
/// Without a text tower the patch loss is the whole objective: the text tower with its hard negatives costs most of
/// a step, and the layers after the one LLaVA reads then get no gradient, as in LLaVA's own stages.
/// </summary>
public sealed class ContrastiveObjective : ITrainingObjective
{
    private static readonly Scalar MaxLogitScale = 4.6052.ToScalar(); // ln 100, CLIP's clamp

    private readonly LlavaForConditionalGeneration _model;
    private readonly ClipTextTower? _tower;
    private readonly IReadOnlyList<CaptionSample> _train;
    private readonly IReadOnlyList<CaptionSample> _validation;
    private readonly ImageStore _images;
    private readonly double _patchLabelWeight;

    /// <param name="tower">The text tower of the contrastive loss; null trains on patch labels alone.</param>
    /// <param name="patchLabelWeight">Weight of the per-patch loss beside the contrastive one; 0 leaves it out.</param>
    /// <param name="patchLabelRegion">Which patches the per-patch loss names after each object.</param>
    /// <param name="patchLabelBalance">How the per-patch loss weighs its patches.</param>
    public ContrastiveObjective(LlavaForConditionalGeneration model, ClipTextTower? tower, IReadOnlyList<CaptionSample> train,
        IReadOnlyList<CaptionSample> validation, ImageStore images, double patchLabelWeight = 0,
        PatchLabelRegion patchLabelRegion = PatchLabelRegion.Box, PatchLabelBalance patchLabelBalance = PatchLabelBalance.Patch)
    {
        if (tower is null && (patchLabelWeight <= 0 || train.Concat(validation).Any(s => s.Objects is null)))
            throw new ArgumentException("without a text tower the patch labels are the only loss: every sample needs boxes", nameof(tower));
        _model = model;
        _tower = tower;
        _train = train;
        _validation = validation;
        _images = images;
        _patchLabelWeight = patchLabelWeight;
        var vision = TrainingStages.Unfreeze(model, TrainingStage.Clip);
        if (patchLabelWeight > 0)
        {
            PatchLabels = new PatchLabels(train.SelectMany(s => s.Objects ?? []), patchLabelRegion, patchLabelBalance);
            var config = model.Config.Vision;
            PatchHead = new PatchAttributeHead(config.HiddenSize, PatchLabels.ShapeClasses, PatchLabels.ColorClasses, config.LayerNormEps);
        }
        Auxiliary = (tower, PatchHead) switch
        {
            (not null, not null) => new ContrastiveHeads(tower, PatchHead),
            (not null, null) => tower,
            _ => PatchHead,
        };
        var auxiliaryParameters = Auxiliary!.parameters().ToList();
        foreach (var parameter in auxiliaryParameters) parameter.requires_grad_(true);
        Parameters = [.. vision, .. auxiliaryParameters];
    }

    /// <summary>The per-patch classifier trained beside the tower (null without patch labels), for <see cref="PatchProbe"/>.</summary>
    public PatchAttributeHead? PatchHead { get; }

    /// <summary>The classes <see cref="PatchHead"/> was trained on.</summary>
    public PatchLabels? PatchLabels { get; }

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
        Tensor? loss = null;
        var tokens = batch.Count * features.shape[1];
        if (_tower is not null)
        {
            var texts = batch.Select(s => s.CaptionIds).Concat(batch.SelectMany(s => s.NegativeIds)).ToList();
            loss = ContrastiveLoss(features, texts, batch.Count, _tower);
            tokens += texts.Sum(t => (long)t.Length);
        }
        if (PatchHead is not null && batch.All(s => s.Objects is not null))
        {
            using var weight = _patchLabelWeight.ToScalar();
            var patches = PatchLoss(features, batch, PatchHead, PatchLabels!) * weight;
            loss = loss is null ? patches : loss.Plus(patches);
        }
        // The constructor made sure that without a text tower every sample has boxes, so one of the two applied.
        return new BatchLoss(loss!.MoveToOuterDisposeScope(), tokens, batch.Count);
    }

    /// <summary>The symmetric InfoNCE loss of the batch's images against its captions (the first <paramref name="images"/> texts) and hard negatives.</summary>
    private Tensor ContrastiveLoss(Tensor features, IReadOnlyList<int[]> texts, int images, ClipTextTower tower)
    {
        var vision = _model.vision_tower.vision_model;
        var hidden = vision.encoder.ForwardLayers(features, _model.Config.VisionFeatureLayerIndex, _model.Config.Vision.NumHiddenLayers);
        var pooled = vision.post_layernorm.forward(hidden.select(1, 0));
        var imageEmbeddings = tower.EmbedImage(pooled);
        var captions = EmbedCaptions(texts, tower);

        var scale = tower.logit_scale.clamp(max: MaxLogitScale).exp();
        var imageToText = scale * imageEmbeddings.matmul(captions.t());
        var textToImage = imageToText.narrow(1, 0, images).t();
        using var count = images.ToScalar();
        var targets = arange(Scalars.Zero, count, Scalars.One, ScalarType.Int64);
        var imageLoss = nn.functional.cross_entropy(imageToText, targets);
        var textLoss = nn.functional.cross_entropy(textToImage, targets);
        return imageLoss.Plus(textLoss) / Scalars.Two;
    }

    /// <summary>Mean of the shape and colour heads' cross-entropies over every patch token (the class token left out),
    /// weighted as <see cref="PatchLabels.Targets.Weights"/> says.</summary>
    private Tensor PatchLoss(Tensor features, IReadOnlyList<CaptionSample> batch, PatchAttributeHead head, PatchLabels labels)
    {
        var vision = _model.Config.Vision;
        var targets = labels.For(batch.Select(s => s.Objects!).ToList(), vision.PatchesPerSide);
        var weights = tensor(targets.Weights);
        var (shapeLogits, colorLogits) = head.Forward(features);
        var shapeLoss = nn.functional.cross_entropy(shapeLogits, tensor(targets.Shapes), reduction: nn.Reduction.None);
        var colorLoss = nn.functional.cross_entropy(colorLogits, tensor(targets.Colors), reduction: nn.Reduction.None);
        return shapeLoss.Plus(colorLoss).mul(weights).sum() / weights.sum().mul(Scalars.Two);
    }

    private static Tensor EmbedCaptions(IReadOnlyList<int[]> texts, ClipTextTower tower)
    {
        var length = texts.Max(t => t.Length);
        var ids = new long[texts.Count * length];
        for (var b = 0; b < texts.Count; b++)
        {
            for (var t = 0; t < texts[b].Length; t++) ids[b * length + t] = texts[b][t];
        }
        var lengths = tensor(texts.Select(t => (long)t.Length).ToArray());
        return tower.EmbedText(tensor(ids, [texts.Count, length]), lengths);
    }
}
