using Llava.Model;
using Llava.Training.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>One image with the ids of its caption.</summary>
public sealed record CaptionSample(string Id, string Image, int[] CaptionIds);

/// <summary>
/// CLIP's symmetric InfoNCE loss over a batch of image–caption pairs: the image embedding is the tower's final class
/// token after <c>post_layernorm</c> (as CLIP pools), each image must pick out its caption among the batch's captions
/// and vice versa. Trains the whole vision tower plus the <see cref="ClipTextTower"/>.
/// </summary>
public sealed class ContrastiveObjective : ITrainingObjective
{
    private const double MaxLogitScale = 4.6052; // ln 100, CLIP's clamp

    private readonly LlavaForConditionalGeneration _model;
    private readonly ClipTextTower _tower;
    private readonly IReadOnlyList<CaptionSample> _train;
    private readonly IReadOnlyList<CaptionSample> _validation;
    private readonly ImageStore _images;

    public ContrastiveObjective(LlavaForConditionalGeneration model, ClipTextTower tower, IReadOnlyList<CaptionSample> train,
        IReadOnlyList<CaptionSample> validation, ImageStore images)
    {
        _model = model;
        _tower = tower;
        _train = train;
        _validation = validation;
        _images = images;
        var vision = TrainingStages.Unfreeze(model, TrainingStage.Clip);
        var towerParameters = tower.parameters().ToList();
        foreach (var parameter in towerParameters) parameter.requires_grad_(true);
        Parameters = [.. vision, .. towerParameters];
    }

    public string Name => TrainingStage.Clip.Name();
    public int TrainingSamples => _train.Count;
    public int ValidationSamples => _validation.Count;
    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<int>? TrainingLengths => null;
    public nn.Module? Auxiliary => _tower;

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
        var hidden = vision.HiddenState(pixels, _model.Config.Vision.NumHiddenLayers);
        var pooled = vision.post_layernorm.forward(hidden.select(1, 0));
        var images = _tower.EmbedImage(pooled);

        var length = batch.Max(s => s.CaptionIds.Length);
        var ids = new long[batch.Count * length];
        for (var b = 0; b < batch.Count; b++)
        {
            for (var t = 0; t < batch[b].CaptionIds.Length; t++) ids[b * length + t] = batch[b].CaptionIds[t];
        }
        var lengths = tensor(batch.Select(s => (long)s.CaptionIds.Length).ToArray());
        var captions = _tower.EmbedText(tensor(ids, [batch.Count, length]), lengths);

        var logits = _tower.logit_scale.clamp(max: MaxLogitScale).exp() * images.matmul(captions.t());
        var targets = arange(batch.Count, dtype: ScalarType.Int64);
        var loss = (nn.functional.cross_entropy(logits, targets) + nn.functional.cross_entropy(logits.t(), targets)) / 2;
        var tokens = batch.Sum(s => (long)s.CaptionIds.Length) + batch.Count * (hidden.shape[1]);
        return new BatchLoss(loss.MoveToOuterDisposeScope(), tokens, batch.Count);
    }
}
