namespace Llava.Engine.Templating.Values;

/// <summary>Positional and keyword arguments of a call, with Python-style binding to parameter names.</summary>
internal sealed class CallArguments(IReadOnlyList<Value> positional, IReadOnlyList<KeyValuePair<string, Value>> named)
{
    public static readonly CallArguments None = new([], []);

    public IReadOnlyList<Value> Positional { get; } = positional;

    public IReadOnlyList<KeyValuePair<string, Value>> Named { get; } = named;

    public CallArguments Skip(int count) => new(Positional.Skip(count).ToList(), Named);

    /// <summary>
    /// Binds arguments to <paramref name="parameters"/>; a parameter written as <c>"name=?"</c> is optional and
    /// comes back null when not given. Raises Python's TypeError messages for missing, extra or duplicate arguments.
    /// </summary>
    public Value?[] Bind(string callee, params string[] parameters)
    {
        var names = parameters.Select(p => p.TrimEnd('?', '=')).ToArray();
        var bound = new Value?[names.Length];
        if (Positional.Count > names.Length)
            throw new TemplateException($"{callee}() takes at most {names.Length} argument(s) ({Positional.Count} given)");
        for (var i = 0; i < Positional.Count; i++)
            bound[i] = Positional[i];
        foreach (var (key, value) in Named)
        {
            var index = Array.IndexOf(names, key);
            if (index < 0)
                throw new TemplateException($"{callee}() got an unexpected keyword argument '{key}'");
            if (bound[index] is not null)
                throw new TemplateException($"{callee}() got multiple values for argument '{key}'");
            bound[index] = value;
        }
        for (var i = 0; i < names.Length; i++)
        {
            if (bound[i] is null && !parameters[i].EndsWith('?'))
                throw new TemplateException($"{callee}() missing required argument '{names[i]}'");
        }
        return bound;
    }
}
