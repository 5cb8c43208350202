using System.Diagnostics;

namespace LlavaBench.Running;

/// <summary>
/// One live status line per scenario: requests done of total, the token rate since the previous update, failures.
/// On a terminal the line is rewritten in place each second; when output is redirected a line is printed every
/// ten seconds instead, so logs stay readable.
/// </summary>
public sealed class ProgressLine : IDisposable
{
    private readonly string _label;
    private readonly int? _total;
    private readonly TextWriter _output;
    private readonly bool _inPlace;
    private readonly Timer _timer;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private long _tokens;
    private int _done;
    private int _failed;
    private long _tokensAtLastTick;
    private double _secondsAtLastTick;
    private int _lastLength;

    /// <param name="total">Requests planned, or null for a run bounded by time.</param>
    public ProgressLine(string label, int? total, TextWriter output, bool inPlace)
    {
        _label = label;
        _total = total;
        _output = output;
        _inPlace = inPlace;
        _timer = new Timer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Token() => Interlocked.Increment(ref _tokens);

    public void Done(bool succeeded)
    {
        Interlocked.Increment(ref _done);
        if (!succeeded) Interlocked.Increment(ref _failed);
    }

    /// <summary>Extra text appended to the line (the soak's RSS, for example).</summary>
    public Func<string>? Suffix { get; init; }

    private void Tick()
    {
        lock (_lock)
        {
            var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            if (!_inPlace && seconds - _secondsAtLastTick < 10) return;
            var tokens = Interlocked.Read(ref _tokens);
            var rate = (tokens - _tokensAtLastTick) / Math.Max(1e-9, seconds - _secondsAtLastTick);
            _tokensAtLastTick = tokens;
            _secondsAtLastTick = seconds;
            Write(Format(seconds, $"{rate,7:F1} tok/s now"), newLine: !_inPlace);
        }
    }

    private string Format(double seconds, string rate)
    {
        var total = _total is { } t ? $"/{t}" : "";
        var failed = Volatile.Read(ref _failed);
        var suffix = Suffix is null ? "" : "  " + Suffix();
        return $"  [{_label}] {Volatile.Read(ref _done)}{total} done  {rate}  {seconds,6:F0} s" +
               (failed > 0 ? $"  {failed} not completed" : "") + suffix;
    }

    private void Write(string line, bool newLine)
    {
        if (newLine)
        {
            _output.WriteLine(line);
            return;
        }
        _output.Write("\r" + line.PadRight(_lastLength));
        _lastLength = line.Length;
        _output.Flush();
    }

    /// <summary>Stops the timer and leaves a final line with the average rate.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            var average = Interlocked.Read(ref _tokens) / Math.Max(1e-9, seconds);
            if (_inPlace) _output.Write("\r");
            _output.WriteLine(Format(seconds, $"{average,7:F1} tok/s avg").PadRight(_inPlace ? _lastLength : 0));
        }
    }
}
