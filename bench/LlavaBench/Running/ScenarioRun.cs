using LlavaBench.Client;

namespace LlavaBench.Running;

/// <summary>A scenario's requests, in order of their index, and the wall time from the first send to the last answer.</summary>
/// <param name="LoadAverage">The 1-minute load average when the scenario ended, this benchmark's own load included.</param>
public sealed record ScenarioRun(Scenario Scenario, IReadOnlyList<RequestResult> Results, double WallSeconds, double? LoadAverage = null);
