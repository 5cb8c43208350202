using LlavaServer.Telemetry;

namespace LlavaServer.Tests;

/// <summary>The recent-rate arithmetic behind the status endpoint's tokens per second, on a clock the test moves.</summary>
public sealed class ThroughputWindowTests
{
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(double seconds) => _ticks += (long)(seconds * TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void AveragesOverTheWholeWindowOnceItHasElapsed()
    {
        var clock = new ManualClock();
        var window = new ThroughputWindow(clock, 5);
        clock.Advance(10);
        for (var second = 0; second < 5; second++)
        {
            window.Add(100);
            clock.Advance(1);
        }

        // At 15.0 s the window is seconds 11 to 14 and second 15, which has just begun.
        Assert.Equal(400 / 4.0, window.PerSecond(), 9);
        clock.Advance(0.5);
        Assert.Equal(400 / 4.5, window.PerSecond(), 9);
    }

    [Fact]
    public void UsesOnlyTheTimeSinceStartBeforeTheWindowIsFull()
    {
        var clock = new ManualClock();
        var window = new ThroughputWindow(clock, 5);
        clock.Advance(1.5);
        window.Add(30);
        clock.Advance(0.5);

        Assert.Equal(30 / 2.0, window.PerSecond(), 9);
    }

    [Fact]
    public void ABurstRightAfterStartIsSpreadOverAtLeastOneSecond()
    {
        var clock = new ManualClock();
        var window = new ThroughputWindow(clock, 5);
        clock.Advance(0.1);
        window.Add(50);

        Assert.Equal(50, window.PerSecond(), 9);
    }

    [Fact]
    public void ForgetsWhatLeftTheWindow()
    {
        var clock = new ManualClock();
        var window = new ThroughputWindow(clock, 5);
        clock.Advance(3);
        window.Add(1000);
        clock.Advance(5);

        Assert.Equal(0, window.PerSecond());
        window.Add(8);
        Assert.Equal(8 / 4.0, window.PerSecond(), 9);
    }
}
