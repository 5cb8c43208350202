using System.Diagnostics;
using LlavaBench.Measurement;
using LlavaBench.Modeling;
using LlavaBench.Reporting;
using LlavaServer.Cli;

namespace LlavaBench;

/// <summary>
/// <c>--real-scale</c>: the 7B-layout checkpoint (generated once) or <c>--model</c>, loaded in each dtype in turn:
/// load time, one image question, peak RSS. The context is sized for the question, so the KV cache does not
/// dominate memory.
/// </summary>
public sealed class RealScaleCommand(BenchOptions options, TextWriter output)
{
    public async Task<int> RunAsync(DateTimeOffset startedAt, MachineInfo machine, CancellationToken cancellationToken)
    {
        string modelPath;
        long? parameters = null;
        if (options.ModelPath is { } path)
        {
            if (!Directory.Exists(path)) throw new CliException($"model folder not found: {path}");
            modelPath = Path.GetFullPath(path);
        }
        else
        {
            var generating = Stopwatch.GetTimestamp();
            (modelPath, parameters) = options.Next
                ? Generate(new MistralNextHubLayout())
                : Generate(new Llava15HubLayout());
            output.WriteLine($"checkpoint: {modelPath} ({parameters:N0} parameters; ready in " +
                             $"{Stopwatch.GetElapsedTime(generating).TotalSeconds:F0} s)");
            if (options.GenerateOnly) return 0;
        }
        var maxModelLength = options.MaxModelLen ?? (options.Next ? NextRealScaleContext : RealScaleContext);
        var image = options.Next ? RealScaleQuestion.LandscapeImage : RealScaleQuestion.SquareImage;
        var runs = new List<RealScaleRun>();
        foreach (var dtype in options.DTypes)
        {
            output.WriteLine($"== {dtype}: load, then one question about a {image.Width}×{image.Height} image " +
                             $"({options.MaxTokens} tokens, context {maxModelLength}) ==");
            var run = await RealScaleQuestion.MeasureAsync(modelPath, dtype, options.MaxTokens, maxModelLength, image, cancellationToken);
            output.WriteLine($"  loaded in {run.LoadSeconds:F1} s; {run.PromptTokens} prompt positions; answered in {run.AnswerSeconds:F1} s");
            runs.Add(run);
        }
        BenchCommand.WriteResultsHeading(machine, output);
        MarkdownReport.WriteRealScale(runs, output);
        var report = new BenchReport(startedAt, machine, new ModelReport(modelPath, "", parameters),
            new BenchSettings("in-process", options.MaxTokens, 0, [1], 0, 1, 0, options.StallSeconds, options.TimeoutSeconds),
            [], null, runs);
        await BenchCommand.WriteJsonAsync(options.OutputPath, report, output, cancellationToken);
        return 0;
    }

    private (string Path, long? ParameterCount) Generate<TLayout>(TLayout layout) where TLayout : class, IHubLayout, IEquatable<TLayout>
    {
        var generated = HubLayoutGenerator.Ensure(options.GenerateModelPath, layout, BenchCommand.LlamaTokenizerFolder, output);
        return (generated.Path, generated.ParameterCount);
    }

    /// <summary>Tokens of context for the real-scale question: its ~594-token prompt and the answer fit.</summary>
    private const int RealScaleContext = 1024;

    /// <summary>The NeXT question's ~2,360 positions (a 640×480 image takes 2,340 with the 7B defaults) and the answer.</summary>
    private const int NextRealScaleContext = 3072;
}
