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

    /// <summary>Peak resident set size in bytes since start or the last <see cref="ResetPeak"/>; null off Linux.</summary>
    public static long? PeakBytes() => StatusBytes("VmHWM:");

    /// <summary>Resident set size in bytes; null off Linux.</summary>
    public static long? CurrentBytes() => StatusBytes("VmRSS:");

    private static long? StatusBytes(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kilobytes = line?[field.Length..].Trim().Split(' ')[0];
        return long.TryParse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }
}
