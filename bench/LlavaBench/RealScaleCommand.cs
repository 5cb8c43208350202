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
            var generated = HubLayoutGenerator.Ensure(options.GenerateModelPath, new Llava15HubLayout(), BenchCommand.LlamaTokenizerFolder, output);
            output.WriteLine($"checkpoint: {generated.Path} ({generated.ParameterCount:N0} parameters; ready in " +
                             $"{Stopwatch.GetElapsedTime(generating).TotalSeconds:F0} s)");
            if (options.GenerateOnly) return 0;
            (modelPath, parameters) = (generated.Path, generated.ParameterCount);
        }
        var maxModelLength = options.MaxModelLen ?? RealScaleContext;
        var runs = new List<RealScaleRun>();
        foreach (var dtype in options.DTypes)
        {
            output.WriteLine($"== {dtype}: load, then one image question ({options.MaxTokens} tokens, context {maxModelLength}) ==");
            var run = await RealScaleQuestion.MeasureAsync(modelPath, dtype, options.MaxTokens, maxModelLength, cancellationToken);
            output.WriteLine($"  loaded in {run.LoadSeconds:F1} s; answered in {run.AnswerSeconds:F1} s");
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

    /// <summary>Tokens of context for the real-scale question: its ~594-token prompt and the answer fit.</summary>
    private const int RealScaleContext = 1024;
}
