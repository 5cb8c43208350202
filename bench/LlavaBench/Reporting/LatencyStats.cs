namespace LlavaBench.Reporting;

/// <summary>Median, 95th percentile and mean of a sample in milliseconds; all null when the sample is empty.</summary>
public sealed record LatencyStats(double? P50, double? P95, double? Mean, int Samples)
{
    public static LatencyStats Of(IReadOnlyCollection<double> values) =>
        new(Percentiles.Of(values, 50), Percentiles.Of(values, 95), values.Count == 0 ? null : values.Average(), values.Count);
}
