using LlavaBench.Reporting;

namespace LlavaBench.Tests;

public class PercentilesTests
{
    [Theory]
    // numpy.percentile([1, 2, 3, 4], q) with the default linear method.
    [InlineData(0, 1.0)]
    [InlineData(50, 2.5)]
    [InlineData(95, 3.85)]
    [InlineData(100, 4.0)]
    public void InterpolatesLinearlyBetweenClosestRanks(double percentile, double expected)
    {
        Assert.Equal(expected, Percentiles.Of([4.0, 1.0, 3.0, 2.0], percentile)!.Value, 12);
    }

    [Fact]
    public void OddSampleMedianIsTheMiddleValue()
    {
        Assert.Equal(20.0, Percentiles.Of([30.0, 10.0, 20.0], 50));
        Assert.Equal(29.0, Percentiles.Of([30.0, 10.0, 20.0], 95)!.Value, 12);
    }

    [Fact]
    public void EmptySampleHasNoPercentileAndOneValueIsEveryPercentile()
    {
        Assert.Null(Percentiles.Of([], 50));
        Assert.Equal(7.0, Percentiles.Of([7.0], 95));
    }

    [Fact]
    public void RejectsPercentilesOutsideZeroToHundred()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], -1));
    }

    [Fact]
    public void StatsCombineMedianP95AndMean()
    {
        var stats = LatencyStats.Of([10.0, 20.0, 30.0, 40.0, 50.0]);
        Assert.Equal(30.0, stats.P50);
        Assert.Equal(48.0, stats.P95!.Value, 12);
        Assert.Equal(30.0, stats.Mean);
        Assert.Equal(5, stats.Samples);
        Assert.Equal(new LatencyStats(null, null, null, 0), LatencyStats.Of([]));
    }
}
