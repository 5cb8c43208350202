using System.Text.Json;
using Llava.Engine.Generation;
using Llava.Training.Evaluation;
using Llava.Training.Shapes;
using static TorchSharp.torch;

namespace Llava.Training.Cli;

/// <summary><c>eval</c>: accuracy per question kind on held-out questions, through the engine.</summary>
public static class EvalCommand
{
    public const string Usage = """
        eval [--model DIR] [--questions FILE] [--images DIR] [--world wide|classic] [--limit N] [--max-tokens N]
             [--concurrency N] [--report FILE] [--show-failures N] [--min-accuracy X] [--threads N]
          Runs the questions (eval.json from make-data) through the engine with greedy decoding and prints accuracy
          per kind (colour, shape, count, position, describe). Without --questions it renders the demo's held-out
          sets afresh: for the wide world (the default) 300 questions on its own pictures and 300 on pictures drawn
          by an independent renderer (SkiaSharp), for the classic world its 300. The model defaults to
          models/llava-shapes-tiny. --min-accuracy fails (exit 1) when any kind of any set is below X.
        """;

    public static int Run(CommandArguments args, TextWriter output)
    {
        var model = args.Text("model") ?? DemoCommand.DefaultModelFolder;
        var questionsPath = args.Text("questions");
        var images = args.Text("images");
        var world = args.Choice("world", ShapesWorld.Wide);
        var limit = args.OptionalInt("limit");
        var maxTokens = args.Int("max-tokens", 96);
        var concurrency = args.Int("concurrency", 16);
        var report = args.Text("report");
        var showFailures = args.Int("show-failures", 5);
        var minAccuracy = args.Double("min-accuracy", 0);
        var threads = args.Int("threads", Environment.ProcessorCount);
        args.EnsureAllRead();

        set_num_threads(threads);
        var heldOut = questionsPath is null ? Directory.CreateTempSubdirectory("llava-shapes-eval-").FullName : null;
        try
        {
            IReadOnlyList<EvalSet> sets;
            if (heldOut is not null)
            {
                sets = ShapesDatasetBuilder.BuildEval(heldOut, new ShapesDataOptions(World: world));
                images ??= Path.Combine(heldOut, ShapesDataset.ImagesFolder);
            }
            else
            {
                sets = [new EvalSet(Path.GetFileName(questionsPath!), EvalQuestionsJson.Read(questionsPath!))];
                images ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(questionsPath!))!, ShapesDataset.ImagesFolder);
            }
            if (limit is { } n) sets = sets.Select(s => s with { Questions = s.Questions.Take(n).ToList() }).ToList();
            var results = sets.Select(set => (set.Name, Result: Evaluate(model, set.Questions, images, maxTokens, concurrency))).ToList();
            foreach (var (name, result) in results)
                Report(name, result, model, showFailures, output);
            if (report is not null) WriteReport(report, results);
            return results.All(r => r.Result.MinimumAccuracy >= minAccuracy) ? 0 : 1;
        }
        finally
        {
            if (heldOut is not null) Directory.Delete(heldOut, recursive: true);
        }
    }

    private static void Report(string set, EvalResult result, string model, int showFailures, TextWriter output)
    {
        output.WriteLine($"eval ({set}): {result.Answers.Count} questions on {model} in {result.Elapsed.TotalSeconds:F1} s");
        result.WriteTable(output);
        foreach (var failure in result.Answers.Where(a => !a.Correct).Take(showFailures))
            output.WriteLine($"  wrong ({failure.Question.Kind.ToString().ToLowerInvariant()}) {failure.Question.Id}: " +
                             $"\"{failure.Question.Question}\" -> \"{failure.Answer}\" (expected {string.Join(", ", failure.Question.Expected)})");
        output.WriteLine();
    }

    private static void WriteReport(string path, IEnumerable<(string Set, EvalResult Result)> results) =>
        File.WriteAllText(path, JsonSerializer.Serialize(results.SelectMany(r => r.Result.Answers.Select(a => new
        {
            set = r.Set, id = a.Question.Id, kind = a.Question.Kind.ToString().ToLowerInvariant(), question = a.Question.Question,
            expected = a.Question.Expected, answer = a.Answer, correct = a.Correct,
        })), new JsonSerializerOptions { WriteIndented = true }));

    public static EvalResult Evaluate(string model, IReadOnlyList<EvalQuestion> questions, string images, int maxTokens, int concurrency)
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = model,
            MaxRunningSequences = concurrency,
            MaxWaitingRequests = Math.Max(64, questions.Count),
        });
        return EvalRunner.RunAsync(engine, questions, images, maxTokens).GetAwaiter().GetResult();
    }
}
