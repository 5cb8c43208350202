using Llava.Engine.Templating.Runtime;
using Llava.Engine.Templating.Syntax;
using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Builtins;

/// <summary>A test (<c>x is name(args)</c>): receives the tested value and the call's arguments.</summary>
internal delegate bool TestFunction(Value value, CallArguments args);

/// <summary>Jinja2's builtin tests, with Python's type distinctions (bool is a number but not an integer).</summary>
internal static class TestCatalog
{
    private static readonly Dictionary<string, TestFunction> Tests = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, a) => NoArgs(a, "defined", v is not UndefinedValue),
        ["undefined"] = (v, a) => NoArgs(a, "undefined", v is UndefinedValue),
        ["none"] = (v, a) => NoArgs(a, "none", v is NoneValue),
        ["boolean"] = (v, a) => NoArgs(a, "boolean", v is BoolValue),
        ["true"] = (v, a) => NoArgs(a, "true", v is BoolValue { Value: true }),
        ["false"] = (v, a) => NoArgs(a, "false", v is BoolValue { Value: false }),
        ["integer"] = (v, a) => NoArgs(a, "integer", v is IntValue),
        ["float"] = (v, a) => NoArgs(a, "float", v is FloatValue),
        ["number"] = (v, a) => NoArgs(a, "number", PythonOps.IsNumber(v)),
        ["string"] = (v, a) => NoArgs(a, "string", v is StringValue),
        ["mapping"] = (v, a) => NoArgs(a, "mapping", v is DictValue),
        ["iterable"] = (v, a) => NoArgs(a, "iterable", v.Iterate() is not null),
        ["sequence"] = (v, a) => NoArgs(a, "sequence", v.IsSequence),
        ["callable"] = (v, a) => NoArgs(a, "callable", v.IsCallable),
        ["escaped"] = (v, a) => NoArgs(a, "escaped", v is StringValue { IsMarkup: true }),
        ["lower"] = (v, a) => NoArgs(a, "lower", PythonText.IsLower(v.Str())),
        ["upper"] = (v, a) => NoArgs(a, "upper", PythonText.IsUpper(v.Str())),
        ["odd"] = (v, a) => NoArgs(a, "odd", PythonOps.AreEqual(PythonOps.Modulo(v, new IntValue(2)), new IntValue(1))),
        ["even"] = (v, a) => NoArgs(a, "even", PythonOps.AreEqual(PythonOps.Modulo(v, new IntValue(2)), new IntValue(0))),
        ["divisibleby"] = (v, a) => PythonOps.AreEqual(PythonOps.Modulo(v, One(a, "divisibleby", "num")), new IntValue(0)),
        ["in"] = (v, a) => PythonOps.Contains(One(a, "in", "seq"), v),
        ["sameas"] = (v, a) => SameAs(v, One(a, "sameas", "other")),
        ["filter"] = (v, a) => NoArgs(a, "filter", v is StringValue s && FilterCatalog.IsKnown(s.Text)),
        ["test"] = (v, a) => NoArgs(a, "test", v is StringValue s && Tests!.ContainsKey(s.Text)),
    };

    static TestCatalog()
    {
        AddComparison(CompareOperator.Equal, "eq", "equalto", "==");
        AddComparison(CompareOperator.NotEqual, "ne", "!=");
        AddComparison(CompareOperator.Less, "lt", "lessthan", "<");
        AddComparison(CompareOperator.LessOrEqual, "le", "<=");
        AddComparison(CompareOperator.Greater, "gt", "greaterthan", ">");
        AddComparison(CompareOperator.GreaterOrEqual, "ge", ">=");
    }

    private static void AddComparison(CompareOperator op, params string[] names)
    {
        foreach (var name in names)
            Tests[name] = (v, a) => PythonOps.Compare(v, One(a, name, "other"), op);
    }

    public static void EnsureKnown(string name, SourcePosition position)
    {
        if (!Tests.ContainsKey(name))
            throw new TemplateException($"No test named '{name}'.", position.Line, position.Column);
    }

    public static bool Apply(string name, Value value, CallArguments args) =>
        Tests.TryGetValue(name, out var test)
            ? test(value, args)
            : throw new TemplateException($"No test named '{name}'.");

    private static bool NoArgs(CallArguments args, string name, bool result)
    {
        args.Bind(name);
        return result;
    }

    private static Value One(CallArguments args, string test, string parameter) => args.Bind(test, parameter)[0]!;

    /// <summary>Python identity: only singletons and containers have a meaningful answer without object addresses.</summary>
    private static bool SameAs(Value value, Value other) => (value, other) switch
    {
        (NoneValue, NoneValue) => true,
        (BoolValue a, BoolValue b) => a.Value == b.Value,
        (NoneValue or BoolValue, _) or (_, NoneValue or BoolValue) => false,
        (ListValue or DictValue or NamespaceValue or CallableValue, _) => ReferenceEquals(value, other),
        _ => throw new TemplateException($"'sameas' on {value.TypeName} values depends on Python object identity and is not supported"),
    };
}
