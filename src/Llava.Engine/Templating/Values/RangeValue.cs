using System.Globalization;
using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Values;

/// <summary>Python's range object (the sandbox caps it at 100 000 items).</summary>
internal sealed class RangeValue : Value
{
    public const long MaxItems = 100_000;

    public RangeValue(long start, long stop, long step)
    {
        if (step == 0)
            throw new TemplateException("range() arg 3 must not be zero");
        Start = start;
        Stop = stop;
        Step = step;
        Count = Math.Max(0, step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step);
    }

    public long Start { get; }

    public long Stop { get; }

    public long Step { get; }

    public long Count { get; }

    public override string TypeName => "range";

    public override bool IsTruthy => Count > 0;

    public override string Str() => Step == 1
        ? string.Create(CultureInfo.InvariantCulture, $"range({Start}, {Stop})")
        : string.Create(CultureInfo.InvariantCulture, $"range({Start}, {Stop}, {Step})");

    public override IEnumerable<Value> Iterate()
    {
        for (var i = 0L; i < Count; i++)
            yield return new IntValue(Start + i * Step);
    }

    public override int? Length => (int)Count;

    public override bool IsSequence => true;

    public override Value? GetAttribute(string name) => name switch
    {
        "start" => new IntValue(Start),
        "stop" => new IntValue(Stop),
        "step" => new IntValue(Step),
        _ => null,
    };

    public override Value? GetItem(Value key)
    {
        if (key is SliceValue slice)
        {
            var (from, to, step) = slice.Resolve(Count);
            return new RangeValue(Start + from * Step, Start + to * Step, Step * step);
        }
        if (!PythonOps.TryGetIndex(key, out var index))
            return null;
        if (index < 0)
            index += Count;
        return index >= 0 && index < Count ? new IntValue(Start + index * Step) : null;
    }
}
