namespace LlavaBench.Tests;

/// <summary>
/// Tests that run the real-scale question one at a time: it resets and reads the process's peak RSS, which another
/// test's question running alongside would move.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealScaleCollection
{
    public const string Name = "real-scale question";
}
