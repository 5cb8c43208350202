using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>
/// Python <c>list</c>/<c>tuple</c> methods. The immutable sandbox blocks append, extend, insert, remove, reverse and
/// sort (calling them raises), but allows pop and clear.
/// </summary>
internal static class ListMethods
{
    private static readonly HashSet<string> Mutating = ["append", "reverse", "insert", "sort", "extend", "remove"];

    public static Value? Bind(ListValue self, string name)
    {
        var qualified = self.TypeName + "." + name;
        var isList = self.Kind == SequenceKind.List;
        return name switch
        {
            "count" => new BuiltinFunction(qualified, a =>
            {
                var item = a.Bind(qualified, "value")[0]!;
                return new IntValue(self.Items.Count(x => PythonOps.AreEqual(x, item)));
            }),
            "index" => new BuiltinFunction(qualified, a =>
            {
                var item = a.Bind(qualified, "value")[0]!;
                var at = self.Items.FindIndex(x => PythonOps.AreEqual(x, item));
                return at >= 0 ? new IntValue(at) : throw new TemplateException($"{item.Repr()} is not in {self.TypeName}");
            }),
            "copy" when isList => new BuiltinFunction(qualified, a =>
            {
                a.Bind(qualified);
                return new ListValue([.. self.Items]);
            }),
            "pop" when isList => new BuiltinFunction(qualified, a => Pop(self, a.Bind(qualified, "index?")[0])),
            "clear" when isList => new BuiltinFunction(qualified, a =>
            {
                a.Bind(qualified);
                self.Items.Clear();
                return NoneValue.Instance;
            }),
            _ when isList && Mutating.Contains(name) => Access.Unsafe(self, name),
            _ => null,
        };
    }

    private static Value Pop(ListValue self, Value? indexValue)
    {
        if (self.Items.Count == 0)
            throw new TemplateException("pop from empty list");
        var index = indexValue is null ? -1 : PythonOps.TryGetInteger(indexValue, out var i) ? i : throw new TemplateException("list indices must be integers");
        if (index < 0)
            index += self.Items.Count;
        if (index < 0 || index >= self.Items.Count)
            throw new TemplateException("pop index out of range");
        var item = self.Items[(int)index];
        self.Items.RemoveAt((int)index);
        return item;
    }
}
