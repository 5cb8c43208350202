namespace LlavaBench.Reporting;

/// <summary>Percentiles with linear interpolation between closest ranks (NumPy's default method).</summary>
public static class Percentiles
{
    /// <param name="percentile">0 to 100.</param>
    /// <returns>Null for an empty sample.</returns>
    public static double? Of(IReadOnlyCollection<double> values, double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var rank = percentile / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
    }
}
