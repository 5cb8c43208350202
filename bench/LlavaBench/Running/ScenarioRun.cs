using LlavaBench.Client;

namespace LlavaBench.Running;

/// <summary>A scenario's requests, in order of their index, and the wall time from the first send to the last answer.</summary>
/// <param name="LoadAverage">The 1-minute load average when the scenario ended, this benchmark's own load included.</param>
public sealed record ScenarioRun(Scenario Scenario, IReadOnlyList<RequestResult> Results, double WallSeconds, double? LoadAverage = null)
{
    /// <summary>
    /// The requests whose index <paramref name="include"/> accepts, as a run of <paramref name="scenario"/>. Only for
    /// a run at concurrency 1, where requests never overlap, so their latencies add up to the wall time they took.
    /// </summary>
    public ScenarioRun Subset(Scenario scenario, Func<int, bool> include)
    {
        if (Scenario.Concurrency != 1)
            throw new InvalidOperationException("only a sequential run (concurrency 1) can be split into sub-runs");
        var results = Results.Where((_, index) => include(index)).ToList();
        return new ScenarioRun(scenario, results, results.Sum(r => r.LatencyMs) / 1000, LoadAverage);
    }
}
