using LlavaBench.Client;
using LlavaBench.Running;

namespace LlavaBench.Reporting;

/// <summary>
/// One scenario's figures. Rates count completed requests only and divide by the scenario's wall time (first
/// send to last answer), so prefill and queueing are included.
/// </summary>
/// <param name="TimedOut">Abandoned after no event for the client's time-out: hangs.</param>
/// <param name="Stalled">Requests that waited longer than the stall threshold for a token (the first included).</param>
/// <param name="DecodeTokensPerSecond">
/// The rate while streams decode: concurrency / mean time per output token. Unlike
/// <paramref name="OutputTokensPerSecond"/> it leaves out the time spent before each request's first token.
/// </param>
/// <param name="LoadAverage">The machine's 1-minute load average when the scenario ended.</param>
/// <param name="Images">The throughput scenario's image mode.</param>
public sealed record ScenarioSummary(
    string Name,
    string Kind,
    int Concurrency,
    int Requests,
    int Completed,
    int Rejected,
    int Failed,
    int TimedOut,
    int Stalled,
    double WallSeconds,
    double RequestsPerSecond,
    double OutputTokensPerSecond,
    double? DecodeTokensPerSecond,
    double? MeanPromptTokens,
    LatencyStats TimeToFirstTokenMs,
    LatencyStats InterTokenLatencyMs,
    LatencyStats TimePerOutputTokenMs,
    LatencyStats RequestLatencyMs,
    IReadOnlyList<string> Errors,
    double? LoadAverage,
    string? Images = null)
{
    private const int ErrorsKept = 5;

    public static ScenarioSummary From(ScenarioRun run, double stallSeconds)
    {
        var results = run.Results;
        var completed = results.Where(r => r.Outcome == RequestOutcome.Completed).ToList();
        var wall = Math.Max(run.WallSeconds, 1e-9);
        var perToken = LatencyStats.Of(completed.Where(r => r.TimePerOutputTokenMs is not null).Select(r => r.TimePerOutputTokenMs!.Value).ToList());
        return new ScenarioSummary(
            run.Scenario.Name,
            run.Scenario.Kind,
            run.Scenario.Concurrency,
            results.Count,
            completed.Count,
            results.Count(r => r.Outcome == RequestOutcome.Rejected),
            results.Count(r => r.Outcome == RequestOutcome.Failed),
            results.Count(r => r.Outcome == RequestOutcome.TimedOut),
            results.Count(r => r.StalledLongerThan(stallSeconds * 1000)),
            run.WallSeconds,
            completed.Count / wall,
            completed.Sum(r => (double)r.CompletionTokens) / wall,
            perToken.Mean is { } mean && mean > 0 ? run.Scenario.Concurrency * 1000 / mean : null,
            completed.Count == 0 ? null : completed.Average(r => (double)r.PromptTokens),
            LatencyStats.Of(completed.Where(r => r.FirstTokenMs is not null).Select(r => r.FirstTokenMs!.Value).ToList()),
            LatencyStats.Of(completed.SelectMany(r => r.InterTokenMs).ToList()),
            perToken,
            LatencyStats.Of(completed.Select(r => r.LatencyMs).ToList()),
            results.Where(r => r.Error is not null).Select(r => $"{r.Outcome} ({r.Status}): {r.Error}").Distinct().Take(ErrorsKept).ToList(),
            run.LoadAverage,
            run.Scenario.Images);
    }
}
