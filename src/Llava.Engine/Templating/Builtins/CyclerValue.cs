using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>Jinja2's <c>cycler(*items)</c>: <c>.next()</c> returns items round-robin, <c>.current</c>, <c>.reset()</c>.</summary>
internal sealed class CyclerValue : Value
{
    private readonly IReadOnlyList<Value> _items;
    private int _position;

    public CyclerValue(IReadOnlyList<Value> items)
    {
        if (items.Count == 0)
            throw new TemplateException("at least one item has to be provided");
        _items = items;
    }

    public override string TypeName => "Cycler";

    public override string Str() => throw new TemplateException("cannot render a Cycler object (its text is a memory address)");

    public override Value? GetAttribute(string name) => name switch
    {
        "current" => _items[_position],
        "items" => new ListValue([.. _items]),
        "next" => new BuiltinFunction("Cycler.next", args =>
        {
            args.Bind("next");
            var item = _items[_position];
            _position = (_position + 1) % _items.Count;
            return item;
        }),
        "reset" => new BuiltinFunction("Cycler.reset", args =>
        {
            args.Bind("reset");
            _position = 0;
            return NoneValue.Instance;
        }),
        _ => null,
    };
}
