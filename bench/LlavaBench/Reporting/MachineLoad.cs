using System.Globalization;

namespace LlavaBench.Reporting;

/// <summary>The 1-minute load average, recorded with every run because the CPUs may be shared.</summary>
public static class MachineLoad
{
    /// <returns>Null where <c>/proc/loadavg</c> does not exist.</returns>
    public static double? OneMinute()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path)) return null;
        var first = File.ReadAllText(path).Split(' ', 2)[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
    }
}
