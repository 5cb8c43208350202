namespace Llava.Engine.Templating.Values;

/// <summary>
/// A template-side value with Python semantics. Subclasses model the Python objects a Hugging Face chat template
/// can see: None, bool, int, float, str, list, tuple, dict (and its views), range, generators, callables,
/// <c>namespace()</c>, <c>loop</c> and Jinja2's <c>Undefined</c>.
/// </summary>
internal abstract class Value
{
    /// <summary>Python's type name, as it appears in error messages.</summary>
    public abstract string TypeName { get; }

    /// <summary>Python <c>bool(x)</c>.</summary>
    public virtual bool IsTruthy => true;

    /// <summary>Python <c>str(x)</c>: what <c>{{ x }}</c> prints.</summary>
    public abstract string Str();

    /// <summary>Python <c>repr(x)</c>: how the value prints inside a printed container.</summary>
    public virtual string Repr() => Str();

    /// <summary>Python <c>iter(x)</c>, or null when the value is not iterable.</summary>
    public virtual IEnumerable<Value>? Iterate() => null;

    /// <summary>Python <c>len(x)</c>, or null when the value has no length.</summary>
    public virtual int? Length => null;

    /// <summary>Jinja2's <c>is sequence</c>: has a length and supports item access.</summary>
    public virtual bool IsSequence => false;

    /// <summary>Python <c>callable(x)</c>.</summary>
    public virtual bool IsCallable => false;

    /// <summary>Python attribute lookup (methods, properties); null means AttributeError.</summary>
    public virtual Value? GetAttribute(string name) => null;

    /// <summary>Python <c>x[key]</c>; null means the lookup failed with TypeError, KeyError or IndexError.</summary>
    public virtual Value? GetItem(Value key) => null;

    /// <summary>The "'dict object'" style description Jinja2 uses in undefined-attribute messages.</summary>
    public virtual string ObjectDescription => $"{TypeName} object";

    /// <summary>Converts plain .NET data (null, bool, integers, floating point, strings, lists, dictionaries) into template values.</summary>
    public static Value FromObject(object? value) => value switch
    {
        null => NoneValue.Instance,
        Value v => v,
        bool b => BoolValue.Of(b),
        string s => new StringValue(s),
        int or long or short or byte or sbyte or uint => new IntValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        double or float or decimal => new FloatValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
        System.Collections.IDictionary dict => DictValue.FromDictionary(dict),
        System.Collections.IEnumerable items => new ListValue(items.Cast<object?>().Select(FromObject).ToList()),
        _ => throw new ArgumentException($"Cannot pass a {value.GetType().Name} to a template"),
    };
}
