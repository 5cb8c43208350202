namespace Llava.Engine.Templating.Values;

/// <summary>Python's slice object produced by <c>x[start:stop:step]</c>; components are null when omitted.</summary>
internal sealed class SliceValue(long? start, long? stop, long? step) : Value
{
    public override string TypeName => "slice";

    public override string Str() => $"slice({Part(start)}, {Part(stop)}, {Part(step)})";

    private static string Part(long? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None";

    /// <summary>Python's <c>slice.indices(length)</c> as (start, stop, step) after clamping.</summary>
    public (long Start, long Stop, long Step) Resolve(long length)
    {
        var s = step ?? 1;
        if (s == 0)
            throw new TemplateException("slice step cannot be zero");
        var (lower, upper) = s > 0 ? (0L, length) : (-1L, length - 1);
        long Clamp(long? v, long fallback)
        {
            if (v is not { } x)
                return fallback;
            if (x < 0)
                x += length;
            return Math.Clamp(x, lower, upper);
        }
        return (Clamp(start, s > 0 ? lower : upper), Clamp(stop, s > 0 ? upper : lower), s);
    }

    /// <summary>The positions selected from a sequence of <paramref name="length"/> items.</summary>
    public IEnumerable<int> Indices(long length)
    {
        var (from, to, s) = Resolve(length);
        for (var i = from; s > 0 ? i < to : i > to; i += s)
            yield return (int)i;
    }
}
