namespace Llava.Engine.Constraints;

/// <summary>
/// One JSON value's grammar, compiled from a JSON Schema. Nodes are compared by reference: a recursive schema
/// compiles to a graph that refers back to itself through <see cref="RefNode"/>.
/// </summary>
internal abstract class GrammarNode;

/// <summary>Any JSON value (the schema <c>{}</c>, or <c>response_format: json_object</c>'s members).</summary>
internal sealed class AnyValueNode : GrammarNode
{
    public static readonly AnyValueNode Instance = new();

    /// <summary>The alternatives any value starts with: objects and arrays of anything, strings, numbers, literals.</summary>
    public static readonly IReadOnlyList<GrammarNode> Alternatives =
    [
        new ObjectNode([], new HashSet<string>(), Instance),
        new ArrayNode([], Instance, 0, null),
        new StringNode(0, null, null),
        new NumberNode(integer: false, null, false, null, false),
        LiteralNode.Of("true", "false", "null"),
    ];

    private AnyValueNode() { }
}

internal sealed class ObjectNode(IReadOnlyList<PropertyNode> properties, IReadOnlySet<string> required, GrammarNode? additional)
    : GrammarNode
{
    public IReadOnlyList<PropertyNode> Properties { get; } = properties;
    public IReadOnlySet<string> Required { get; } = required;

    /// <summary>The schema of properties not declared; null when none may appear.</summary>
    public GrammarNode? Additional { get; } = additional;
}

/// <summary>A declared property: its name as it is written in JSON (quotes and escapes included) and its value's grammar.</summary>
internal sealed record PropertyNode(string Name, byte[] EncodedName, GrammarNode Value);

internal sealed class ArrayNode(IReadOnlyList<GrammarNode> prefixItems, GrammarNode? items, int minItems, int? maxItems) : GrammarNode
{
    public IReadOnlyList<GrammarNode> PrefixItems { get; } = prefixItems;

    /// <summary>Items after the prefix; null when the array ends with its prefix.</summary>
    public GrammarNode? Items { get; } = items;

    public int MinItems { get; } = minItems;
    public int? MaxItems { get; } = items is null ? Math.Min(maxItems ?? int.MaxValue, prefixItems.Count) : maxItems;

    public GrammarNode? ItemAt(int index) => index < PrefixItems.Count ? PrefixItems[index] : Items;
}

internal sealed class StringNode(int minLength, int? maxLength, CodePointRegex? pattern) : GrammarNode
{
    /// <summary>Bounds in code points, as JSON Schema counts a string's length.</summary>
    public int MinLength { get; } = minLength;
    public int? MaxLength { get; } = maxLength;

    /// <summary>The whole string must match (a JSON Schema <c>pattern</c> or <c>format</c>, anchored as needed).</summary>
    public CodePointRegex? Pattern { get; } = pattern;
}

internal sealed class NumberNode(bool integer, decimal? minimum, bool exclusiveMinimum, decimal? maximum, bool exclusiveMaximum)
    : GrammarNode
{
    public bool Integer { get; } = integer;
    public decimal? Minimum { get; } = minimum;
    public bool ExclusiveMinimum { get; } = exclusiveMinimum;
    public decimal? Maximum { get; } = maximum;
    public bool ExclusiveMaximum { get; } = exclusiveMaximum;
    public bool IsBounded => Minimum is not null || Maximum is not null;

    public bool Contains(decimal value) =>
        (Minimum is not { } min || (ExclusiveMinimum ? value > min : value >= min))
        && (Maximum is not { } max || (ExclusiveMaximum ? value < max : value <= max));
}

/// <summary>A choice of exact JSON texts (<c>const</c>, <c>enum</c>, booleans, null), written compactly.</summary>
internal sealed class LiteralNode(IReadOnlyList<byte[]> texts) : GrammarNode
{
    public IReadOnlyList<byte[]> Texts { get; } = texts;

    public static LiteralNode Of(params string[] texts) => new([.. texts.Select(System.Text.Encoding.UTF8.GetBytes)]);
}

/// <summary><c>anyOf</c>, a <c>type</c> list, or a disjoint <c>oneOf</c>: any one alternative.</summary>
internal sealed class ChoiceNode(IReadOnlyList<GrammarNode> alternatives) : GrammarNode
{
    public IReadOnlyList<GrammarNode> Alternatives { get; } = alternatives;
}

/// <summary>A <c>$ref</c>, resolved once the definition it names has been compiled (definitions may refer to themselves).</summary>
internal sealed class RefNode(string reference) : GrammarNode
{
    public string Reference { get; } = reference;
    public GrammarNode Target { get; set; } = AnyValueNode.Instance;
}
