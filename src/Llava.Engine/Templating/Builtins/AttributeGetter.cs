using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>
/// Jinja2's <c>make_attrgetter</c>: <c>"a.b.0"</c> means item access <c>x['a']['b'][0]</c> (digits become integer
/// indexes), used by <c>map</c>, <c>selectattr</c>, <c>sort</c>, <c>join</c>, <c>unique</c>, <c>sum</c> and friends.
/// </summary>
internal static class AttributeGetter
{
    public static Func<Value, Value> Create(Value? attribute, Func<Value, Value>? postprocess = null, Value? fallback = null)
    {
        var parts = Parts(attribute);
        return item =>
        {
            foreach (var part in parts)
            {
                item = Access.GetItem(item, part);
                if (fallback is not null && item is UndefinedValue)
                    item = fallback;
            }
            return postprocess is null ? item : postprocess(item);
        };
    }

    /// <summary><c>make_multi_attrgetter</c>: comma-separated attributes produce a list of keys to sort by.</summary>
    public static Func<Value, Value> CreateMulti(Value? attribute, Func<Value, Value>? postprocess)
    {
        var getters = attribute is StringValue s
            ? s.Text.Split(',').Select(part => Create(new StringValue(part), postprocess)).ToList()
            : [Create(attribute, postprocess)];
        return item => new ListValue(getters.Select(g => g(item)).ToList());
    }

    private static List<Value> Parts(Value? attribute) => attribute switch
    {
        null or NoneValue => [],
        StringValue s => s.Text.Split('.')
            .Select(p => p.Length > 0 && p.All(char.IsAsciiDigit) ? (Value)new IntValue(long.Parse(p, System.Globalization.CultureInfo.InvariantCulture)) : new StringValue(p))
            .ToList(),
        _ => [attribute],
    };

    /// <summary>Jinja2's <c>ignore_case</c>: strings compare lower-cased unless case-sensitive.</summary>
    public static Value IgnoreCase(Value value) => value is StringValue s ? new StringValue(PythonText.Lower(s.Text)) : value;
}
