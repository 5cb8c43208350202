using Llava.Engine.Templating.Builtins;
using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Values;

/// <summary>Python's dict: insertion-ordered, keys compared with Python equality (1 == 1.0 == True).</summary>
internal sealed class DictValue : Value
{
    public DictValue() => Entries = new OrderedDictionary<Value, Value>(KeyComparer.Instance);

    public OrderedDictionary<Value, Value> Entries { get; }

    public static DictValue FromDictionary(System.Collections.IDictionary source)
    {
        var dict = new DictValue();
        foreach (System.Collections.DictionaryEntry entry in source)
            dict.Set(FromObject(entry.Key), FromObject(entry.Value));
        return dict;
    }

    /// <summary>Stores a key, raising Python's TypeError for unhashable keys such as lists.</summary>
    public void Set(Value key, Value value)
    {
        KeyComparer.EnsureHashable(key);
        Entries[key] = value;
    }

    public Value? TryGet(Value key) =>
        KeyComparer.IsHashable(key) && Entries.TryGetValue(key, out var value) ? value : null;

    public override string TypeName => "dict";

    public override bool IsTruthy => Entries.Count > 0;

    public override string Str() => Repr();

    public override string Repr() =>
        "{" + string.Join(", ", Entries.Select(e => $"{e.Key.Repr()}: {e.Value.Repr()}")) + "}";

    public override IEnumerable<Value> Iterate() => Entries.Keys.ToList();

    public override int? Length => Entries.Count;

    public override bool IsSequence => true;

    public override Value? GetAttribute(string name) => DictMethods.Bind(this, name);

    public override Value? GetItem(Value key) => TryGet(key);
}
