using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>
/// Jinja2's sandboxed <c>getattr</c> (<c>a.b</c>: attribute first, then item) and <c>getitem</c> (<c>a['b']</c>: item
/// first, then attribute for string keys). A miss yields an undefined that remembers its owner; any access on an
/// undefined value raises.
/// </summary>
internal static class Access
{
    public static Value GetAttribute(Value obj, string name)
    {
        if (obj is UndefinedValue undefined)
            throw undefined.Error();
        var key = new StringValue(name);
        return obj.GetAttribute(name) ?? obj.GetItem(key) ?? UndefinedValue.Missing(obj, key);
    }

    public static Value GetItem(Value obj, Value key)
    {
        if (obj is UndefinedValue undefined)
            throw undefined.Error();
        if (obj.GetItem(key) is { } item)
            return item;
        if (key is StringValue name && obj.GetAttribute(name.Text) is { } attribute)
            return attribute;
        return UndefinedValue.Missing(obj, key);
    }

    /// <summary>
    /// The sandbox's answer for a known mutating method (list.append, dict.update, ...): an undefined that is falsy
    /// and raises Jinja2's SecurityError message when called or used.
    /// </summary>
    public static UndefinedValue Unsafe(Value obj, string name) =>
        UndefinedValue.WithHint($"access to attribute '{name}' of '{obj.TypeName}' object is unsafe.");
}
