using Llava.Model;
using Llava.Training.Data;
using Llava.Training.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>
/// Next-token cross-entropy on the labelled positions of token samples, with images projected into their placeholder
/// positions through the model's own <see cref="LlavaForConditionalGeneration.GetImageFeatures"/> and
/// <see cref="LlavaForConditionalGeneration.EmbedPrompt"/> — the stages <c>lm</c> (text only), <c>pretrain</c> and
/// <c>finetune</c>. Sequences are right-padded: attention is causal, so padding never influences a real position.
/// </summary>
public sealed class LanguageObjective : ITrainingObjective
{
    private static readonly Scalar IgnoredLabel = EncodedConversation.Ignore.ToScalar();

    private readonly LlavaForConditionalGeneration _model;
    private readonly IReadOnlyList<TokenSample> _train;
    private readonly IReadOnlyList<TokenSample> _validation;
    private readonly ImageStore? _images;

    public LanguageObjective(LlavaForConditionalGeneration model, TrainingStage stage, IReadOnlyList<TokenSample> train,
        IReadOnlyList<TokenSample> validation, ImageStore? images, bool trainVisionTower = false)
    {
        if (stage == TrainingStage.Clip)
            throw new ArgumentException("the clip stage has its own objective", nameof(stage));
        if (images is null && train.Concat(validation).Any(s => s.Image is not null))
            throw new ArgumentException("samples with images need an image store", nameof(images));
        _model = model;
        _train = train;
        _validation = validation;
        _images = images;
        Name = stage.Name();
        Parameters = TrainingStages.Unfreeze(model, stage, trainVisionTower);
        TrainingLengths = train.Select(s => s.Encoded.Ids.Length).ToList();
    }

    public string Name { get; }
    public int TrainingSamples => _train.Count;
    public int ValidationSamples => _validation.Count;
    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<int>? TrainingLengths { get; }
    public nn.Module? Auxiliary => null;

    public BatchLoss Loss(IReadOnlyList<int> samples, bool validation)
    {
        var source = validation ? _validation : _train;
        return Loss(samples.Select(i => source[i]).ToList());
    }

    /// <summary>The loss of an explicit batch; tests use it to check masking and gradients.</summary>
    public BatchLoss Loss(IReadOnlyList<TokenSample> batch)
    {
        using var scope = NewDisposeScope();
        var withImages = batch.Where(s => s.Image is not null).ToList();
        Tensor? features = null;
        if (withImages.Count > 0)
        {
            using var pixels = _images!.Pixels(withImages.Select(s => s.Image!).ToList());
            features = _model.GetImageFeatures(pixels);
        }

        var length = batch.Max(s => s.Encoded.Ids.Length);
        var rows = new List<Tensor>(batch.Count);
        var labels = new long[batch.Count * length];
        Array.Fill(labels, EncodedConversation.Ignore);
        var image = 0;
        long tokens = 0;
        for (var b = 0; b < batch.Count; b++)
        {
            var sample = batch[b].Encoded;
            var imageFeatures = batch[b].Image is null ? null : features!.narrow(0, image++, 1);
            var embeds = _model.EmbedPrompt(tensor(sample.Ids.Select(i => (long)i).ToArray()), imageFeatures);
            rows.Add(nn.functional.pad(embeds, [0, 0, 0, length - sample.Ids.Length]));
            for (var t = 0; t < sample.Labels.Length; t++) labels[b * length + t] = sample.Labels[t];
            tokens += sample.Ids.Length;
        }

        var logits = _model.Forward(stack(rows));
        var targets = tensor(labels, [batch.Count, length]).narrow(1, 1, length - 1);
        var predictions = logits.narrow(1, 0, length - 1);
        var loss = nn.functional.cross_entropy(predictions.reshape(-1, predictions.shape[2]), targets.reshape(-1),
            ignore_index: EncodedConversation.Ignore);
        var counted = targets.ne(IgnoredLabel).sum().item<long>();
        return new BatchLoss(loss.MoveToOuterDisposeScope(), tokens, counted);
    }
}
