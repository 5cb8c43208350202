namespace Llava.Training.Data;

/// <summary>Reports skipped records: a count and the first few on the console, all of them in a file.</summary>
public static class IssueReport
{
    private const int Shown = 10;

    public static void Write(IReadOnlyList<RecordIssue> issues, string source, TextWriter output, string? logFile)
    {
        if (issues.Count == 0) return;
        output.WriteLine($"warning: skipped {issues.Count} record(s) of {source}:");
        foreach (var issue in issues.Take(Shown))
            output.WriteLine($"  {issue}");
        if (logFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
            File.AppendAllLines(logFile, issues.Select(i => $"{source}\t{i.Record}\t{i.Reason}"));
            output.WriteLine(issues.Count > Shown ? $"  … all {issues.Count} listed in {logFile}" : $"  (also listed in {logFile})");
        }
        else if (issues.Count > Shown)
        {
            output.WriteLine($"  … and {issues.Count - Shown} more");
        }
    }
}
