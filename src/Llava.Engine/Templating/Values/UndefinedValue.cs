using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Values;

/// <summary>
/// Jinja2's default <c>Undefined</c>: prints as empty, is falsy, iterates as empty and has length 0, but any other
/// use (arithmetic, attribute or item access, calling) raises an error naming what was missing.
/// </summary>
internal sealed class UndefinedValue : Value
{
    private readonly string? _hint;
    private readonly Value? _owner;
    private readonly Value? _key;
    private readonly string? _name;

    private UndefinedValue(string? name, Value? owner, Value? key, string? hint)
    {
        _name = name;
        _owner = owner;
        _key = key;
        _hint = hint;
    }

    /// <summary>A variable that does not exist.</summary>
    public static UndefinedValue Named(string name) => new(name, null, null, null);

    /// <summary>A missing attribute or item of <paramref name="owner"/>.</summary>
    public static UndefinedValue Missing(Value owner, Value key) => new(null, owner, key, null);

    /// <summary>An undefined value explained by a fixed message (e.g. "No first item, sequence was empty.").</summary>
    public static UndefinedValue WithHint(string hint) => new(null, null, null, hint);

    public override string TypeName => "Undefined";

    public override bool IsTruthy => false;

    public override string Str() => "";

    public override string Repr() => "Undefined";

    public override IEnumerable<Value> Iterate() => [];

    public override int? Length => 0;

    public override bool IsSequence => true;

    public override bool IsCallable => true;

    public string Message => _hint ?? (_owner, _key) switch
    {
        (null, _) => $"{PythonRepr.Str(_name ?? "")} is undefined",
        (NoneValue, StringValue s) => $"'None' has no attribute {PythonRepr.Str(s.Text)}",
        (_, StringValue s) => $"{PythonRepr.Str(_owner.ObjectDescription)} has no attribute {PythonRepr.Str(s.Text)}",
        _ => $"{_owner.ObjectDescription} has no element {_key!.Repr()}",
    };

    public TemplateException Error() => new(Message);
}
