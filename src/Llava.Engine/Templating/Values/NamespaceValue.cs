using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Values;

/// <summary>Jinja2's <c>namespace()</c>: the one object whose attributes a template may assign across scopes.</summary>
internal sealed class NamespaceValue : Value
{
    public OrderedDictionary<string, Value> Attributes { get; } = new(StringComparer.Ordinal);

    public override string TypeName => "Namespace";

    public override string Str() =>
        "<Namespace {" + string.Join(", ", Attributes.Select(a => $"{PythonRepr.Str(a.Key)}: {a.Value.Repr()}")) + "}>";

    public override Value? GetAttribute(string name) => Attributes.GetValueOrDefault(name);
}
