using Llava.Engine.Templating.Builtins;
using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Values;

internal enum SequenceKind
{
    List,
    Tuple,
    DictKeys,
    DictValues,
    DictItems,
}

/// <summary>
/// Python's list and tuple, and the snapshots returned by <c>dict.keys()</c>, <c>.values()</c> and <c>.items()</c>
/// (which print as <c>dict_items([...])</c>, cannot be indexed and are not JSON serialisable).
/// </summary>
internal sealed class ListValue(List<Value> items, SequenceKind kind = SequenceKind.List) : Value
{
    public List<Value> Items { get; } = items;

    public SequenceKind Kind { get; } = kind;

    public bool IsView => Kind is SequenceKind.DictKeys or SequenceKind.DictValues or SequenceKind.DictItems;

    public static ListValue Tuple(params Value[] items) => new([.. items], SequenceKind.Tuple);

    public override string TypeName => Kind switch
    {
        SequenceKind.List => "list",
        SequenceKind.Tuple => "tuple",
        SequenceKind.DictKeys => "dict_keys",
        SequenceKind.DictValues => "dict_values",
        _ => "dict_items",
    };

    public override bool IsTruthy => Items.Count > 0;

    public override string Str() => Repr();

    public override string Repr()
    {
        var inner = string.Join(", ", Items.Select(i => i.Repr()));
        return Kind switch
        {
            SequenceKind.List => $"[{inner}]",
            SequenceKind.Tuple => Items.Count == 1 ? $"({inner},)" : $"({inner})",
            _ => $"{TypeName}([{inner}])",
        };
    }

    public override IEnumerable<Value> Iterate() => Items;

    public override int? Length => Items.Count;

    public override bool IsSequence => !IsView;

    public override Value? GetAttribute(string name) => IsView ? null : ListMethods.Bind(this, name);

    public override Value? GetItem(Value key)
    {
        if (IsView)
            return null;
        if (key is SliceValue slice)
            return new ListValue(slice.Indices(Items.Count).Select(i => Items[i]).ToList(), Kind);
        if (!PythonOps.TryGetIndex(key, out var index))
            return null;
        if (index < 0)
            index += Items.Count;
        return index >= 0 && index < Items.Count ? Items[(int)index] : null;
    }
}
