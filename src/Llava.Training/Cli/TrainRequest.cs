using Llava.Training.Shapes;
using Llava.Training.Trainers;

namespace Llava.Training.Cli;

/// <summary>Everything one <c>train</c> invocation needs; the demo pipeline builds these directly.</summary>
/// <param name="HardNegatives">For the clip stage: read <paramref name="Data"/> as scenes.json and add this many
/// hard-negative captions per image (0: plain caption records).</param>
/// <param name="PatchLabelWeight">For the clip stage: read <paramref name="Data"/> as scenes.json and add the per-patch
/// shape and colour loss of <see cref="PatchLabels"/> with this weight (0: none).</param>
/// <param name="PatchLabelsOnly">For the clip stage with patch labels: leave the contrastive loss and its text tower out;
/// <paramref name="Validation"/> is then a scenes.json too.</param>
/// <param name="PatchLabelRegion">For the clip stage with patch labels: which patches are named after each object.</param>
/// <param name="PatchLabelBalance">For the clip stage with patch labels: how the per-patch loss weighs its patches.</param>
/// <param name="ProbeScenes">For the clip stage with patch labels: scenes.json files the <see cref="PatchProbe"/> measures.</param>
public sealed record TrainRequest(TrainingStage Stage, string Model, string Data, string? Validation, string? Images, string Out,
    TrainingOptions Options, bool Resume, int Threads, int HardNegatives = 0, double PatchLabelWeight = 0, bool PatchLabelsOnly = false,
    PatchLabelRegion PatchLabelRegion = PatchLabelRegion.Box, IReadOnlyList<string>? ProbeScenes = null,
    PatchLabelBalance PatchLabelBalance = PatchLabelBalance.Patch)
{
    public static TrainRequest From(CommandArguments args)
    {
        TrainingStage stage;
        try
        {
            stage = TrainingStages.Parse(args.Required("stage"));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var options = new TrainingOptions
        {
            Epochs = args.Int("epochs", 1),
            MaxSteps = args.OptionalInt("max-steps"),
            BatchSize = args.Int("batch-size", 32),
            GradientAccumulation = args.Int("grad-accum", 1),
            LearningRate = args.Double("lr", 1e-3),
            MinLearningRateRatio = args.Double("min-lr-ratio", 0.1),
            WarmupRatio = args.Double("warmup", 0.05),
            WeightDecay = args.Double("weight-decay", 0),
            MaxGradNorm = args.Double("max-grad-norm", 1),
            Seed = args.Int("seed", 1),
            ValidationEvery = args.Int("val-every", 0),
            CheckpointEvery = args.Int("checkpoint-every", 0),
            KeepCheckpoints = args.Int("keep-checkpoints", 2),
            GroupByLength = args.Flag("group-by-length"),
            TrainVisionTower = args.Flag("train-vision-tower"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var data = args.Required("data");
        var patchLabels = args.Double("patch-labels", 0);
        var patchLabelsOnly = args.Flag("patch-labels-only");
        if (patchLabelsOnly && (stage != TrainingStage.Clip || patchLabels <= 0))
            throw new UsageException("--patch-labels-only needs --stage clip and --patch-labels W above 0");
        var region = args.Choice("patch-label-region", PatchLabelRegion.Box);
        var balance = args.Choice("patch-label-balance", PatchLabelBalance.Patch);
        var probe = args.Text("probe")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (probe is not null && patchLabels <= 0)
            throw new UsageException("--probe measures the patch-label head: it needs --patch-labels W above 0");
        return new TrainRequest(stage, args.Required("model"), data, args.Text("val"), args.Text("images"),
            args.Required("out"), options, args.Flag("resume"), args.Int("threads", Environment.ProcessorCount),
            args.Int("hard-negatives", 0), patchLabels, patchLabelsOnly, region,
            probe ?? (stage == TrainingStage.Clip && patchLabels > 0 ? DefaultProbeScenes(data) : null), balance);
    }

    /// <summary>The held-out scene files that make-data writes beside scenes.json, where they exist.</summary>
    private static string[] DefaultProbeScenes(string data)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(data))!;
        return [.. new[] { ShapesDataset.ValidationScenes, ShapesDataset.IndependentScenes }
            .Select(name => Path.Combine(folder, name)).Where(File.Exists)];
    }
}
