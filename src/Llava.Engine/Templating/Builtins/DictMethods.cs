using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>Python <c>dict</c> methods reachable from templates; mutating ones are blocked as in the immutable sandbox.</summary>
internal static class DictMethods
{
    private static readonly HashSet<string> Mutating = ["clear", "pop", "popitem", "setdefault", "update"];

    public static Value? Bind(DictValue self, string name)
    {
        var qualified = "dict." + name;
        return name switch
        {
            "items" => new BuiltinFunction(qualified, a => View(a, qualified, self, SequenceKind.DictItems)),
            "keys" => new BuiltinFunction(qualified, a => View(a, qualified, self, SequenceKind.DictKeys)),
            "values" => new BuiltinFunction(qualified, a => View(a, qualified, self, SequenceKind.DictValues)),
            "get" => new BuiltinFunction(qualified, a =>
            {
                var args = a.Bind(qualified, "key", "default?");
                KeyComparer.EnsureHashable(args[0]!);
                return self.TryGet(args[0]!) ?? args[1] ?? NoneValue.Instance;
            }),
            "copy" => new BuiltinFunction(qualified, a =>
            {
                a.Bind(qualified);
                var copy = new DictValue();
                foreach (var (k, v) in self.Entries)
                    copy.Set(k, v);
                return copy;
            }),
            "fromkeys" => BuiltinFunction.Unsupported(qualified),
            _ when Mutating.Contains(name) => Access.Unsafe(self, name),
            _ => null,
        };
    }

    private static ListValue View(CallArguments a, string callee, DictValue self, SequenceKind kind)
    {
        a.Bind(callee);
        var items = kind switch
        {
            SequenceKind.DictKeys => self.Entries.Keys.ToList(),
            SequenceKind.DictValues => self.Entries.Values.ToList(),
            _ => self.Entries.Select(e => (Value)ListValue.Tuple(e.Key, e.Value)).ToList(),
        };
        return new ListValue(items, kind);
    }
}
