using LlavaBench.Client;
using LlavaBench.Running;

namespace LlavaBench.Reporting;

/// <summary>
/// One scenario's figures. Rates count completed requests only and divide by the scenario's wall time (first
/// send to last answer), so prefill and queueing are included.
/// </summary>
public sealed record ScenarioSummary(
    string Name,
    string Kind,
    int Concurrency,
    int Requests,
    int Completed,
    int Rejected,
    int Failed,
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
    double? LoadAverage)
{
    private const int ErrorsKept = 5;

    public static ScenarioSummary From(ScenarioRun run)
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
            results.Count(r => r.Outcome == RequestOutcome.Stalled),
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
            run.LoadAverage);
    }
}
