using System.Runtime.CompilerServices;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>Dictionary-key equality and hashing with Python rules: equal numbers hash alike; lists and dicts are unhashable.</summary>
internal sealed class KeyComparer : IEqualityComparer<Value>
{
    public static readonly KeyComparer Instance = new();

    public static bool IsHashable(Value value) => value switch
    {
        ListValue { Kind: SequenceKind.Tuple } t => t.Items.All(IsHashable),
        ListValue or DictValue or SliceValue => false,
        _ => true,
    };

    public static void EnsureHashable(Value value)
    {
        if (!IsHashable(value))
            throw new TemplateException($"unhashable type: '{value.TypeName}'");
    }

    public bool Equals(Value? x, Value? y) => x is not null && y is not null && PythonOps.AreEqual(x, y);

    public int GetHashCode(Value value) => value switch
    {
        NoneValue => 0,
        BoolValue b => b.Value ? 1 : 0,
        IntValue i => i.Value.GetHashCode(),
        FloatValue f when f.Value == Math.Floor(f.Value) && Math.Abs(f.Value) < 9.2e18 => ((long)f.Value).GetHashCode(),
        FloatValue f => f.Value.GetHashCode(),
        StringValue s => StringComparer.Ordinal.GetHashCode(s.Text),
        ListValue { Kind: SequenceKind.Tuple } t => t.Items.Aggregate(17, (h, item) => (h * 31) + GetHashCode(item)),
        _ => RuntimeHelpers.GetHashCode(value),
    };
}
