using System.Globalization;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>The <c>loop</c> variable inside <c>{% for %}</c>: one object per loop whose position advances.</summary>
internal sealed class LoopValue(IReadOnlyList<Value> items) : Value
{
    private IReadOnlyList<Value>? _lastChanged;

    public int Index0 { get; set; }

    public override string TypeName => "LoopContext";

    public override string Str() => string.Create(CultureInfo.InvariantCulture, $"<LoopContext {Index0 + 1}/{items.Count}>");

    public override int? Length => items.Count;

    public override bool IsCallable => true;

    public override Value? GetAttribute(string name) => name switch
    {
        "index" => new IntValue(Index0 + 1),
        "index0" => new IntValue(Index0),
        "revindex" => new IntValue(items.Count - Index0),
        "revindex0" => new IntValue(items.Count - Index0 - 1),
        "first" => BoolValue.Of(Index0 == 0),
        "last" => BoolValue.Of(Index0 == items.Count - 1),
        "length" => new IntValue(items.Count),
        "depth" => new IntValue(1),
        "depth0" => new IntValue(0),
        "previtem" => Index0 > 0 ? items[Index0 - 1] : UndefinedValue.WithHint("there is no previous item"),
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : UndefinedValue.WithHint("there is no next item"),
        "cycle" => new BuiltinFunction("loop.cycle", Cycle),
        "changed" => new BuiltinFunction("loop.changed", Changed),
        _ => null,
    };

    private Value Cycle(CallArguments args)
    {
        if (args.Positional.Count == 0)
            throw new TemplateException("no items for cycling given");
        return args.Positional[Index0 % args.Positional.Count];
    }

    private Value Changed(CallArguments args)
    {
        var current = args.Positional;
        var changed = _lastChanged is null || _lastChanged.Count != current.Count
            || current.Where((v, i) => !PythonOps.AreEqual(v, _lastChanged[i])).Any();
        if (changed)
            _lastChanged = current;
        return BoolValue.Of(changed);
    }
}
