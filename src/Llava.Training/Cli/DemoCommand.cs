using System.Diagnostics;
using Llava.Engine.Prompting;
using Llava.Training.Evaluation;
using Llava.Training.Modeling;
using Llava.Training.Shapes;
using Llava.Training.Trainers;

namespace Llava.Training.Cli;

/// <summary>
/// <c>demo</c>: the whole recipe in one command — data, a fresh model, CLIP-style vision pretraining, language-model
/// pretraining, LLaVA stages 1 and 2, and the evaluation — printing each stage's time.
/// </summary>
public static class DemoCommand
{
    public const string Usage = """
        demo [--out DIR] [--work DIR] [--world wide|classic] [--threads N] [--scale X] [--resume]
          Reproduces llava-shapes-tiny: make-data, init, train clip, train lm, train pretrain, train finetune, eval.
          --world   the pictures to learn from (default wide; classic is the first demo's grid world)
          --out     the finished model folder (default models/llava-shapes-tiny)
          --work    data, intermediate models and checkpoints (default artifacts/shapes-demo)
          --scale   shrink data and training for a quick check, e.g. 0.05
          --resume  reuse finished stages in --work and continue interrupted ones from their checkpoints
        """;

    /// <summary>
    /// Where <c>demo</c> puts the model and <c>eval</c> looks for it; relative, as the README runs both from the
    /// repository root.
    /// </summary>
    public static string DefaultModelFolder { get; } = Path.Combine("models", "llava-shapes-tiny");

    public static int Run(CommandArguments args, TextWriter output)
    {
        var outDir = args.Text("out") ?? DefaultModelFolder;
        var work = args.Text("work") ?? Path.Combine("artifacts", "shapes-demo");
        var threads = args.Int("threads", Environment.ProcessorCount);
        var scale = args.Double("scale", 1);
        var resume = args.Flag("resume");
        var world = args.Choice("world", ShapesWorld.Wide);
        args.EnsureAllRead();
        var recipe = new DemoRecipe().InWorld(world);
        if (scale != 1) recipe = recipe.Scaled(scale);
        var result = Execute(recipe, outDir, work, threads, resume, output);
        return result.Min(r => r.Result.MinimumAccuracy) >= 0.9 || scale != 1 ? 0 : 1;
    }

    /// <returns>The evaluation of the finished model on each held-out set.</returns>
    public static IReadOnlyList<(string Set, EvalResult Result)> Execute(DemoRecipe recipe, string outDir, string work, int threads, bool resume, TextWriter output)
    {
        var times = new List<(string Stage, TimeSpan Time)>();
        var total = Stopwatch.StartNew();
        void Timed(string stage, Action action)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add((stage, watch.Elapsed));
            output.WriteLine($"== {stage}: {ProgressBar.Format(watch.Elapsed)}");
        }

        var data = Path.Combine(work, "data");
        var init = Path.Combine(work, "init");
        Timed("make-data", () =>
        {
            if (resume && File.Exists(Path.Combine(data, ShapesDataset.Eval))) return;
            var summary = ShapesDatasetBuilder.Build(data, recipe.Data, ChatTemplate.FromModelDirectory(TrainingDataPaths.ShapesTokenizer));
            output.WriteLine($"make-data: {summary.Images} images, {summary.PretrainRecords} caption and {summary.InstructRecords} instruction records");
        });
        Timed("init", () =>
        {
            if (resume && File.Exists(Path.Combine(init, "model.safetensors"))) return;
            NewModel.Create(TrainingDataPaths.ShapesModelConfig, TrainingDataPaths.ShapesTokenizer, init, recipe.InitSeed);
        });

        var previous = init;
        foreach (var (stage, options, train, val) in new[]
        {
            (TrainingStage.Clip, recipe.Clip, ShapesDataset.Scenes, ShapesDataset.PretrainValidation),
            (TrainingStage.Lm, recipe.LanguageModel, ShapesDataset.LanguageCorpus, ShapesDataset.LanguageCorpusValidation),
            (TrainingStage.Pretrain, recipe.Pretrain, ShapesDataset.Pretrain, ShapesDataset.PretrainValidation),
            (TrainingStage.Finetune, recipe.Finetune, ShapesDataset.Instruct, ShapesDataset.InstructValidation),
        })
        {
            var stageOut = Path.Combine(work, stage.Name());
            var from = previous;
            Timed("train " + stage.Name(), () =>
            {
                if (resume && File.Exists(Path.Combine(stageOut, "done"))) return;
                var checkpointEvery = Math.Max(50, EstimateSteps(options, data, train) / 4);
                TrainCommand.Execute(new TrainRequest(stage, from, Path.Combine(data, train), Path.Combine(data, val), null, stageOut,
                    options with { CheckpointEvery = checkpointEvery, KeepCheckpoints = 1 }, resume, threads,
                    stage == TrainingStage.Clip ? recipe.HardNegatives : 0), output);
                File.WriteAllText(Path.Combine(stageOut, "done"), "");
            });
            previous = stageOut;
        }

        Timed("export", () => Export(previous, outDir));
        var results = new List<(string Set, EvalResult Result)>();
        Timed("eval", () =>
        {
            foreach (var (set, file) in new[] { (EvalSet.InDistribution, ShapesDataset.Eval), (EvalSet.IndependentRenderer, ShapesDataset.IndependentEval) })
            {
                var path = Path.Combine(data, file);
                if (!File.Exists(path)) continue;
                results.Add((set, EvalCommand.Evaluate(outDir, EvalQuestionsJson.Read(path), Path.Combine(data, ShapesDataset.ImagesFolder),
                    maxTokens: 96, concurrency: 16)));
            }
        });

        output.WriteLine();
        output.WriteLine($"llava-shapes-tiny in {outDir} ({SizeOf(outDir) / 1e6:F1} MB)");
        foreach (var (set, result) in results)
        {
            output.WriteLine($"{set}:");
            result.WriteTable(output);
        }
        output.WriteLine();
        output.WriteLine("stage            time");
        foreach (var (stage, time) in times)
            output.WriteLine($"{stage,-16} {ProgressBar.Format(time)}");
        output.WriteLine($"{"total",-16} {ProgressBar.Format(total.Elapsed)}");
        return results;
    }

    /// <summary>Copies the servable files of a trained folder (not its checkpoints or logs) to the model folder.</summary>
    private static void Export(string trained, string outDir)
    {
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        Directory.CreateDirectory(outDir);
        foreach (var file in Directory.EnumerateFiles(trained))
        {
            var name = Path.GetFileName(file);
            if (name is "done" or "skipped-records.txt") continue;
            File.Copy(file, Path.Combine(outDir, name));
        }
    }

    private static int EstimateSteps(TrainingOptions options, string data, string file)
    {
        var path = Path.Combine(data, file);
        var samples = file switch
        {
            _ when file.EndsWith(".txt", StringComparison.Ordinal) => File.ReadLines(path).Count(),
            ShapesDataset.Scenes => SceneAnnotationsJson.Read(path).Count,
            _ => File.ReadLines(path).Count(l => l.StartsWith('{')),
        };
        return options.MaxSteps ?? options.Epochs * (samples / options.BatchSize / options.GradientAccumulation);
    }

    private static long SizeOf(string dir) => Directory.EnumerateFiles(dir).Sum(f => new FileInfo(f).Length);
}
