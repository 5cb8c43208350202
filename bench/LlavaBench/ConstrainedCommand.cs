using System.Globalization;
using Llava.Engine.Generation;
using LlavaBench.Measurement;
using LlavaBench.Modeling;

namespace LlavaBench;

/// <summary>
/// <c>--constrained</c>: the generated bench model (32,064-entry vocabulary) or <c>--model</c>, loaded through the
/// engine in the first <c>--dtype</c>; per-token cost of unconstrained and schema-constrained streams at each
/// <c>--concurrency</c>, printed side by side.
/// </summary>
public sealed class ConstrainedCommand(BenchOptions options, TextWriter output)
{
    public async Task<int> RunAsync(string modelPath, CancellationToken cancellationToken)
    {
        var streams = options.Concurrency.Max();
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = modelPath,
            DType = options.DTypes[0],
            MaxRunningSequences = streams,
            MaxBatchTokens = Math.Max(512, 2 * streams),
            MaxModelLength = options.MaxModelLen ?? 1024,
        });
        output.WriteLine($"constrained vs unconstrained decoding ({options.DTypes[0]}, {options.MaxTokens} tokens per stream, " +
                         $"temperature {options.Temperature.ToString(CultureInfo.InvariantCulture)}, vocabulary {engine.Tokenizer.VocabularySize}) …");
        var costs = new List<ConstrainedCost>();
        foreach (var concurrency in options.Concurrency)
        {
            costs.Add(await ConstrainedDecodingCost.MeasureAsync(engine, concurrency, options.MaxTokens, options.Temperature, cancellationToken));
            output.WriteLine($"  {concurrency} stream(s) done");
        }

        output.WriteLine();
        output.WriteLine($"## Constrained decoding cost ({Environment.ProcessorCount} CPUs; timings on a shared machine are noisy)");
        output.WriteLine();
        output.WriteLine("| streams | unconstrained ms/token | constrained ms/token | overhead | constrained tokens timed |");
        output.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var cost in costs)
            output.WriteLine($"| {cost.Streams} | {Ms(cost.UnconstrainedMs)} | {Ms(cost.ConstrainedMs)} | " +
                             $"{(cost.OverheadPercent is { } p ? p.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " %" : "–")} | {cost.ConstrainedTokens} |");
        output.WriteLine();
        output.WriteLine("Per-token cost: the median gap between a stream's consecutive tokens (a decode step as each stream sees it).");
        return 0;
    }

    private static string Ms(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "–";
}
