using System.Diagnostics;
using Llava.Engine.Prompting;
using Llava.Training.Shapes;

namespace Llava.Training.Cli;

/// <summary><c>make-data</c>: renders the shapes dataset.</summary>
public static class MakeDataCommand
{
    public const string Usage = """
        make-data --out DIR [--template-from DIR] [--train N] [--val N] [--eval-per-kind N] [--seed N] [--image-size PX]
                  [--world wide|classic]
          Renders the shapes world: images, scenes.json (captions + boxes), pretrain.json / instruct.json (LLaVA JSON)
          and scenes.json with -val splits, eval.json (held-out questions; for the wide world also eval-independent.json
          and its scenes-independent.json, drawn by an independent renderer), lm-corpus.txt and tokenizer-corpus.txt.
          --image-size is the classic world's.
          --template-from  folder whose chat template renders the corpora (default: the shapes tokenizer folder)
        """;

    public static int Run(CommandArguments args, TextWriter output)
    {
        var outDir = args.Required("out");
        var templateDir = args.Text("template-from") ?? TrainingDataPaths.ShapesTokenizer;
        var options = new ShapesDataOptions(
            TrainScenes: args.Int("train", 12000),
            ValidationScenes: args.Int("val", 200),
            EvalQuestionsPerKind: args.Int("eval-per-kind", 60),
            Seed: args.Int("seed", 1),
            ImageSize: args.Int("image-size", SceneGenerator.DefaultImageSize),
            World: args.Choice("world", ShapesWorld.Wide));
        args.EnsureAllRead();

        var watch = Stopwatch.StartNew();
        var summary = ShapesDatasetBuilder.Build(outDir, options, ChatTemplate.FromModelDirectory(templateDir));
        output.WriteLine($"make-data: {summary.Images} images, {summary.PretrainRecords} caption records, " +
                         $"{summary.InstructRecords} instruction records, {summary.EvalQuestions} eval questions " +
                         $"in {outDir} ({watch.Elapsed.TotalSeconds:F1} s)");
        return 0;
    }
}
