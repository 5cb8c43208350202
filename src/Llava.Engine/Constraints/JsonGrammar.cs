using System.Collections.Concurrent;
using System.Text.Json;

namespace Llava.Engine.Constraints;

/// <summary>
/// A compiled output constraint: a JSON Schema (<c>response_format: json_schema</c>, a tool's parameters) or any
/// JSON object (<c>json_object</c>). Immutable and shared: every sequence under it gets its own
/// <see cref="GrammarMatcher"/>. Compiling is cached by the schema's text, since the same schema comes with every
/// request of an application.
/// </summary>
public sealed class JsonGrammar
{
    private const int CacheCapacity = 256;
    private static readonly ConcurrentDictionary<string, JsonGrammar> Cache = new(StringComparer.Ordinal);

    internal GrammarNode Root { get; }

    private JsonGrammar(GrammarNode root) => Root = root;

    /// <summary><c>json_object</c>: any JSON object.</summary>
    public static JsonGrammar AnyObject { get; } = new(AnyValueNode.Alternatives[0]);

    /// <summary>The grammar of <paramref name="schema"/>; throws <see cref="UnsupportedSchemaException"/> for what it cannot honour.</summary>
    public static JsonGrammar FromSchema(JsonElement schema)
    {
        var key = schema.GetRawText();
        if (Cache.TryGetValue(key, out var cached))
            return cached;
        var grammar = new JsonGrammar(JsonSchemaCompiler.Compile(schema));
        if (Cache.Count >= CacheCapacity)
            Cache.Clear();
        Cache[key] = grammar;
        return grammar;
    }

    public GrammarMatcher CreateMatcher() => new(this);
}
