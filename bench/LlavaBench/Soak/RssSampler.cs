using System.Diagnostics;
using LlavaBench.Reporting;

namespace LlavaBench.Soak;

/// <summary>Samples this process's resident set size (the in-process server's native and managed memory) at an interval.</summary>
public sealed class RssSampler : IDisposable
{
    private readonly List<RssSample> _samples = [];
    private readonly Lock _lock = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Timer _timer;

    public RssSampler(TimeSpan interval)
    {
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, interval);
    }

    private static double CurrentMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    public IReadOnlyList<RssSample> Samples
    {
        get
        {
            lock (_lock) return _samples.ToList();
        }
    }

    public double? Latest
    {
        get
        {
            lock (_lock) return _samples.Count == 0 ? null : _samples[^1].Megabytes;
        }
    }

    public void Sample()
    {
        var sample = new RssSample(Stopwatch.GetElapsedTime(_started).TotalSeconds, CurrentMegabytes());
        lock (_lock) _samples.Add(sample);
    }

    public void Dispose() => _timer.Dispose();
}
