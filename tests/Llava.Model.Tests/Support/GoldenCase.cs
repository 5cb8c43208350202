namespace Llava.Model.Tests.Support;

/// <summary>One case of the golden file: the expanded prompt ids, its images and what the reference computed.</summary>
public sealed record GoldenCase(
    string Name,
    long[] InputIds,
    string[] Images,
    string LogitsFile,
    int[] GreedyIds,
    IReadOnlyList<GoldenTopEntry[]> GreedyTop5)
{
    public override string ToString() => Name;
}

public sealed record GoldenTopEntry(int Id, double Logprob);
