namespace LlavaServer.Telemetry;

/// <summary>
/// A rate over the last few seconds (tokens per second, say), kept in one-second buckets so adding is
/// cheap enough to do once per generated token.
/// </summary>
public sealed class ThroughputWindow
{
    private readonly TimeProvider _clock;
    private readonly long _start;
    private readonly long[] _counts;
    private readonly long[] _bucketSecond;
    private readonly Lock _lock = new();

    public ThroughputWindow(TimeProvider clock, int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1);
        _clock = clock;
        _start = clock.GetTimestamp();
        _counts = new long[seconds];
        _bucketSecond = new long[seconds];
        Array.Fill(_bucketSecond, -1);
    }

    public int Seconds => _counts.Length;

    public void Add(long count)
    {
        var second = (long)Elapsed().TotalSeconds;
        var bucket = (int)(second % _counts.Length);
        lock (_lock)
        {
            if (_bucketSecond[bucket] != second)
            {
                _bucketSecond[bucket] = second;
                _counts[bucket] = 0;
            }
            _counts[bucket] += count;
        }
    }

    /// <summary>
    /// What was added in the window that ends now, divided by the window's length: the current, partial
    /// second plus the full seconds before it, never more than the time since the start, and at least one
    /// second so a burst right after start-up does not read as a huge rate.
    /// </summary>
    public double PerSecond()
    {
        var elapsed = Elapsed().TotalSeconds;
        var second = (long)elapsed;
        long sum = 0;
        lock (_lock)
        {
            for (var i = 0; i < _counts.Length; i++)
            {
                if (_bucketSecond[i] > second - _counts.Length) sum += _counts[i];
            }
        }
        var span = Math.Min(_counts.Length - 1 + (elapsed - second), elapsed);
        return sum / Math.Max(span, 1.0);
    }

    private TimeSpan Elapsed() => _clock.GetElapsedTime(_start);
}
