using Llava.Engine.Templating.Values;

namespace Llava.Engine.Templating.Runtime;

/// <summary>
/// A frame of variables. Lookups walk outwards; assignments stay in this frame, which is how Jinja2 keeps
/// <c>{% set %}</c> inside a loop body, macro or block from leaking out (only namespace attributes escape).
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, Value> _variables = new(StringComparer.Ordinal);

    public Value? Lookup(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out var value))
                return value;
        }
        return null;
    }

    public void Set(string name, Value value) => _variables[name] = value;

    public Scope Child() => new(this);

    private Scope? Parent { get; } = parent;
}
