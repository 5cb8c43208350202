using Llava.Engine.Templating.Builtins;
using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Values;

/// <summary>
/// Python's str. <see cref="IsMarkup"/> marks markupsafe's <c>Markup</c> (from <c>|safe</c> or <c>|escape</c>):
/// it prints the same (HF disables autoescaping) but is not escaped again and escapes what is added to it.
/// Indexing, slicing and length work on code points like Python.
/// </summary>
internal sealed class StringValue(string text, bool isMarkup = false) : Value
{
    public static readonly StringValue Empty = new("");

    public string Text { get; } = text;

    public bool IsMarkup { get; } = isMarkup;

    private bool HasSurrogates => Text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    public override string TypeName => IsMarkup ? "Markup" : "str";

    public override bool IsTruthy => Text.Length > 0;

    public override string Str() => Text;

    public override string Repr() => IsMarkup ? $"Markup({PythonRepr.Str(Text)})" : PythonRepr.Str(Text);

    public override int? Length => HasSurrogates ? PythonText.Length(Text) : Text.Length;

    public override bool IsSequence => true;

    public override IEnumerable<Value> Iterate() => CodePoints().Select(c => new StringValue(c));

    public override Value? GetAttribute(string name) => StringMethods.Bind(this, name);

    public override Value? GetItem(Value key)
    {
        if (key is SliceValue slice)
        {
            var points = CodePoints();
            return new StringValue(string.Concat(slice.Indices(points.Count).Select(i => points[i])));
        }
        if (!PythonOps.TryGetIndex(key, out var index))
            return null;
        var all = CodePoints();
        if (index < 0)
            index += all.Count;
        return index >= 0 && index < all.Count ? new StringValue(all[(int)index]) : null;
    }

    private List<string> CodePoints() =>
        HasSurrogates ? PythonText.CodePoints(Text) : Text.Select(c => c.ToString()).ToList();
}
