using System.Globalization;

namespace LlavaBench.Measurement;

/// <summary>This process's resident set size and its peak, from Linux's <c>/proc/self</c>.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// Starts a new peak: Linux resets <c>VmHWM</c> to the current RSS when "5" is written to
    /// <c>clear_refs</c>, so what an earlier phase (generating the checkpoint) used does not count.
    /// </summary>
    /// <returns>False where that is not possible (not Linux, or not permitted): the peak then covers the process's life.</returns>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The peak resident set size since start or the last <see cref="ResetPeak"/> and the current one, in bytes,
    /// from one read of <c>/proc/self/status</c> — the kernel reports a peak no lower than the RSS it reports beside
    /// it, while two reads let other threads grow the RSS past the first read's peak. Nulls off Linux.
    /// </summary>
    public static (long? Peak, long? Current) Read()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return (null, null);
        var lines = File.ReadAllLines(path);
        return (Field(lines, "VmHWM:"), Field(lines, "VmRSS:"));
    }

    private static long? Field(string[] lines, string field)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kilobytes = line?[field.Length..].Trim().Split(' ')[0];
        return long.TryParse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }
}
