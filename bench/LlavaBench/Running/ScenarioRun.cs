using LlavaBench.Client;

namespace LlavaBench.Running;

/// <summary>A scenario's requests, in order of their index, and the wall time from the first send to the last answer.</summary>
public sealed record ScenarioRun(Scenario Scenario, IReadOnlyList<RequestResult> Results, double WallSeconds);
