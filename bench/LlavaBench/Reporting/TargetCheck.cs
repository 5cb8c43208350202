namespace LlavaBench.Reporting;

/// <summary>One of the performance targets: what was measured against which goal.</summary>
/// <param name="Measured">The ratio the goal is stated in; null when the run lacks what it needs.</param>
/// <param name="Met">Null when not measured.</param>
public sealed record TargetCheck(string Name, string Goal, double? Measured, bool? Met, string Basis);
