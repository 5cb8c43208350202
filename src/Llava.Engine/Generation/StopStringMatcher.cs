namespace Llava.Engine.Generation;

/// <summary>
/// Finds stop strings in streamed text that may span several tokens. Text that could still turn into
/// a stop string is held back, so a client never receives part of a stop sequence.
/// </summary>
public sealed class StopStringMatcher
{
    private readonly IReadOnlyList<string> _stops;
    private readonly int _longest;
    private string _pending = "";

    public StopStringMatcher(IReadOnlyList<string> stops)
    {
        _stops = stops;
        _longest = stops.Count == 0 ? 0 : stops.Max(s => s.Length);
    }

    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text; returns what may be emitted now.</summary>
    public string Append(string text)
    {
        if (Stopped) return "";
        if (_stops.Count == 0) return text;
        _pending += text;

        var cut = -1;
        foreach (var stop in _stops)
        {
            var at = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0)
        {
            Stopped = true;
            var emitted = _pending[..cut];
            _pending = "";
            return emitted;
        }

        var keep = HeldBackLength();
        var ready = _pending[..^keep];
        _pending = _pending[^keep..];
        return ready;
    }

    /// <summary>At the end of generation the held-back tail is no stop string after all.</summary>
    public string Flush()
    {
        var rest = _pending;
        _pending = "";
        return Stopped ? "" : rest;
    }

    private int HeldBackLength()
    {
        for (var length = Math.Min(_longest - 1, _pending.Length); length > 0; length--)
        {
            var tail = _pending.AsSpan(_pending.Length - length);
            foreach (var stop in _stops)
            {
                if (stop.AsSpan().StartsWith(tail, StringComparison.Ordinal)) return length;
            }
        }
        return 0;
    }
}
