using Llava.Engine.Imaging;
using Llava.Engine.Prompting;
using Llava.Engine.Tokenization;
using Llava.Model;
using Llava.Training.Data;
using Llava.Training.Modeling;
using Llava.Training.Shapes;
using Llava.Training.Text;
using Llava.Training.Trainers;
using static TorchSharp.torch;

namespace Llava.Training.Cli;

/// <summary><c>train</c>: one stage of the recipe, from a model folder to a model folder.</summary>
public static class TrainCommand
{
    public const string Usage = """
        train --stage clip|lm|pretrain|finetune --model DIR --data FILE --out DIR [options]
          clip      contrastive image-caption pretraining of the vision tower (caption records)
          lm        next-token pretraining of the language model (a .txt file, one document per line)
          pretrain  LLaVA stage 1: only the projector learns (caption records)
          finetune  LLaVA stage 2: projector + language model learn, vision frozen (instruction records)
          --model DIR          model folder to start from (llava-hf layout)
          --data FILE          LLaVA JSON (or .txt for lm); --val FILE for validation loss
          --images DIR         image folder (default: images/ beside the data file)
          --out DIR            where the trained model (and checkpoints/) go
          --epochs N (1) | --max-steps N        --batch-size N (32)   --grad-accum N (1)
          --lr X (1e-3)   --min-lr-ratio X (0.1)   --warmup X (0.05)   --weight-decay X (0)   --max-grad-norm X (1)
          --seed N (1)    --val-every N (0: end only)   --checkpoint-every N (0: none)   --keep-checkpoints N (2)
          --group-by-length    batch samples of similar length (less padding)
          --train-vision-tower pretrain/finetune: the vision tower learns too (up to vision_feature_layer)
          --hard-negatives N   clip only: --data is a scenes.json (captions + boxes); add N near-miss captions per image
          --patch-labels W     clip only: --data is a scenes.json; also classify each patch's shape and colour from the
                               boxes (background where none), that loss weighted W
          --patch-label-region box|centre|both|cover   which patches are named after an object: those whose centre
                               lies in its box (default), the one holding the object's centre, both, or both plus
                               every patch holding at least a fifth of its box
          --patch-label-balance patch|object   weigh every patch alike (default), or every object alike: an object's
                               patches share one unit of weight, as do each scene's background patches
          --patch-labels-only  clip only: train on the patch labels alone, without the contrastive loss and its text
                               tower (much cheaper per step); --val is then a scenes.json too
          --probe FILES        clip with patch labels: comma-separated scenes.json files whose patches the head names
                               at each validation and at the end (default: scenes-val.json and scenes-independent.json
                               beside --data); accuracies also go to patch-probe.json in --out, split by object
                               size, filled/outlined, upright/rotated and shape, with the shape confusion
          --resume        continue from the newest checkpoint in --out
          --threads N     CPU threads for TorchSharp (default: all cores)
        """;

    public static int Run(CommandArguments args, TextWriter output)
    {
        var request = TrainRequest.From(args);
        args.EnsureAllRead();
        Execute(request, output);
        return 0;
    }

    public static TrainingResult Execute(TrainRequest request, TextWriter output)
    {
        set_num_threads(request.Threads);
        var resumeFrom = request.Resume ? Checkpoints.Latest(request.Out) : null;
        if (request.Resume && resumeFrom is null)
            output.WriteLine($"[{request.Stage.Name()}] no checkpoint in {request.Out}; starting from {request.Model}");
        var modelDir = resumeFrom ?? request.Model;
        // Training keeps float32 weights and optimizer state whatever the checkpoint's dtype (--dtype auto is for serving).
        using var model = LlavaForConditionalGeneration.FromPretrained(modelDir, new ModelOptions { DType = "float32" });
        var issuesLog = Path.Combine(request.Out, "skipped-records.txt");
        var objective = CreateObjective(request, model, modelDir, output, issuesLog, out var tower);
        using (tower)
        {
            output.WriteLine($"[{objective.Name}] {objective.TrainingSamples} training / {objective.ValidationSamples} validation samples, " +
                             $"{objective.Parameters.Sum(p => p.numel()):N0} trainable parameters");
            var result = new Trainer(model, objective, request.Options, output, ProbeOf(request, objective, model, modelDir))
                .Run(modelDir, request.Out, resumeFrom);
            ModelFolder.Save(model, modelDir, request.Out);
            output.WriteLine($"[{objective.Name}] done: {result.Steps} steps in {ProgressBar.Format(result.Elapsed)}, " +
                             $"train loss {result.FinalTrainLoss:F4}" +
                             (result.ValidationLoss is { } v ? $", validation loss {v:F4}" : "") + $"; model in {request.Out}");
            return result;
        }
    }

    private static ITrainingObjective CreateObjective(TrainRequest request, LlavaForConditionalGeneration model, string modelDir,
        TextWriter output, string issuesLog, out ClipTextTower? tower)
    {
        tower = null;
        var tokenizer = LlavaTokenizer.Load(modelDir);
        var maxLength = model.Config.Text.MaxPositionEmbeddings;
        var encoder = new ConversationEncoder(tokenizer, ChatTemplate.FromModelDirectory(modelDir), model.Config.ImageSeqLen);
        var images = ImagesOf(request, modelDir);

        if (request.Stage == TrainingStage.Lm)
        {
            var train = Report(TrainingData.TextLines(request.Data, encoder, maxLength), request.Data, output, issuesLog);
            var val = request.Validation is null ? [] : Report(TrainingData.TextLines(request.Validation, encoder, maxLength), request.Validation, output, issuesLog);
            return new LanguageObjective(model, request.Stage, train, val, null);
        }
        if (request.Stage == TrainingStage.Clip)
        {
            (List<CaptionSample>, List<RecordIssue>) Scenes(string file) =>
                TrainingData.SceneCaptions(SceneAnnotationsJson.Read(file), tokenizer, images, maxLength, request.HardNegatives, request.Options.Seed);
            var train = Report(request.HardNegatives > 0 || request.PatchLabelWeight > 0
                ? Scenes(request.Data)
                : TrainingData.Captions(LlavaJson.Read(request.Data), tokenizer, images, maxLength), request.Data, output, issuesLog);
            var val = request.Validation is null ? []
                : Report(request.PatchLabelsOnly ? Scenes(request.Validation) : TrainingData.Captions(LlavaJson.Read(request.Validation), tokenizer, images, maxLength),
                    request.Validation, output, issuesLog);
            if (!request.PatchLabelsOnly)
                tower = new ClipTextTower(model.Config.Text.VocabSize, model.Config.Vision.HiddenSize, textHidden: 64, layers: 2, projectionDim: 64);
            return new ContrastiveObjective(model, tower, train, val, images, request.PatchLabelWeight, request.PatchLabelRegion,
                request.PatchLabelBalance);
        }
        var records = Report(TrainingData.Conversations(LlavaJson.Read(request.Data), encoder, images, maxLength), request.Data, output, issuesLog);
        var validation = request.Validation is null ? [] : Report(TrainingData.Conversations(LlavaJson.Read(request.Validation), encoder, images, maxLength), request.Validation, output, issuesLog);
        return new LanguageObjective(model, request.Stage, records, validation, images, request.Options.TrainVisionTower);
    }

    /// <summary>The patch probe of a clip stage with patch labels, named after its scene files; null for other stages.</summary>
    private static PatchProbe? ProbeOf(TrainRequest request, ITrainingObjective objective, LlavaForConditionalGeneration model, string modelDir)
    {
        if (objective is not ContrastiveObjective { PatchHead: { } head, PatchLabels: { } labels } || request.ProbeScenes is not { Count: > 0 } files)
            return null;
        var sets = files.Select(f => ProbeSet(f, request, modelDir)).ToList();
        return new PatchProbe(model, head, labels, sets, Path.Combine(request.Out, PatchProbe.FileName));
    }

    /// <summary>
    /// A probe file's scenes with their pictures: the images/ folder beside the file, as make-data writes it, else the
    /// training images. Checked now, so a missing picture stops the run before it trains rather than at its first
    /// validation.
    /// </summary>
    private static PatchProbe.Set ProbeSet(string file, TrainRequest request, string modelDir)
    {
        var scenes = SceneAnnotationsJson.Read(file);
        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, ShapesDataset.ImagesFolder);
        var images = Directory.Exists(beside) ? new ImageStore(beside, ClipImageProcessor.Load(modelDir)) : ImagesOf(request, modelDir);
        if (scenes.FirstOrDefault(s => !images.Exists(s.Image)) is { } missing)
            throw new UsageException($"--probe {file}: picture {missing.Image} is not in {images.Folder}");
        return new PatchProbe.Set(Path.GetFileNameWithoutExtension(file), scenes, images);
    }

    /// <summary>The image folder: --images, or images/ beside the data file.</summary>
    private static ImageStore ImagesOf(TrainRequest request, string modelDir) =>
        new(request.Images ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.Data))!, ShapesDataset.ImagesFolder),
            ClipImageProcessor.Load(modelDir));

    private static List<T> Report<T>((List<T> Samples, List<RecordIssue> Issues) loaded, string source, TextWriter output, string log)
    {
        IssueReport.Write(loaded.Issues, source, output, log);
        return loaded.Samples;
    }
}
