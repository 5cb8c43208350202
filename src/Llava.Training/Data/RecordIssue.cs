namespace Llava.Training.Data;

/// <summary>A record that was skipped, with its id (or its position when it has none) and why.</summary>
public sealed record RecordIssue(string Record, string Reason)
{
    public override string ToString() => $"{Record}: {Reason}";
}

/// <summary>The usable records of a data file plus every skipped one.</summary>
public sealed record LlavaDataset(IReadOnlyList<LlavaRecord> Records, IReadOnlyList<RecordIssue> Issues);
