using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Llava.Engine.Constraints;

/// <summary>
/// Compiles a JSON Schema into the grammar constrained decoding follows. Every keyword that constrains a value is
/// either honoured exactly or refused with <see cref="UnsupportedSchemaException"/>; annotations are ignored.
/// As in OpenAI's strict mode (and xgrammar's default), an object without <c>additionalProperties</c> has only
/// its declared properties.
/// </summary>
internal sealed class JsonSchemaCompiler
{
    private static readonly HashSet<string> Annotations =
    [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly",
        "writeOnly", "$defs", "definitions", "discriminator",
    ];
    private static readonly HashSet<string> Applicators =
    [
        "type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "properties", "required", "additionalProperties",
        "items", "prefixItems", "minItems", "maxItems", "minLength", "maxLength", "pattern", "format", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum",
    ];
    private static readonly string[] ObjectKeywords = ["properties", "required", "additionalProperties"];
    private static readonly string[] ArrayKeywords = ["items", "prefixItems", "minItems", "maxItems"];
    private static readonly string[] StringKeywords = ["minLength", "maxLength", "pattern", "format"];
    private static readonly string[] NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

    private readonly JsonElement _root;
    private readonly Dictionary<string, RefNode> _refs = [];

    private JsonSchemaCompiler(JsonElement root) => _root = root;

    public static GrammarNode Compile(JsonElement schema)
    {
        var compiler = new JsonSchemaCompiler(schema);
        var node = compiler.CompileSchema(schema, "#");
        var resolved = new HashSet<string>();
        while (compiler._refs.Keys.FirstOrDefault(r => !resolved.Contains(r)) is { } reference)
        {
            resolved.Add(reference);
            compiler._refs[reference].Target = compiler.CompileSchema(compiler.Resolve(reference), reference);
        }
        return node;
    }

    private GrammarNode CompileSchema(JsonElement schema, string path)
    {
        if (schema.ValueKind == JsonValueKind.True)
            return AnyValueNode.Instance;
        if (schema.ValueKind != JsonValueKind.Object)
            throw new UnsupportedSchemaException(schema.ValueKind == JsonValueKind.False ? "false" : "schema", path,
                schema.ValueKind == JsonValueKind.False ? "a schema no value satisfies" : "a schema must be an object or a boolean");

        foreach (var property in schema.EnumerateObject())
        {
            if (!Annotations.Contains(property.Name) && !Applicators.Contains(property.Name))
                throw new UnsupportedSchemaException(property.Name, path, "not supported by constrained decoding");
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            if (schema.EnumerateObject().Any(p => p.Name != "$ref" && Applicators.Contains(p.Name)))
                throw new UnsupportedSchemaException("$ref", path, "$ref beside other constraints is not supported");
            return RefTo(reference.GetString() ?? "", path);
        }
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            if (allOf.ValueKind != JsonValueKind.Array || allOf.GetArrayLength() != 1
                || schema.EnumerateObject().Any(p => p.Name != "allOf" && Applicators.Contains(p.Name)))
                throw new UnsupportedSchemaException("allOf", path, "only an allOf of one schema, alone, is supported");
            return CompileSchema(allOf[0], $"{path}/allOf/0");
        }
        if (schema.TryGetProperty("const", out var constant))
            return Literal(schema, [constant], path);
        if (schema.TryGetProperty("enum", out var enumeration))
        {
            if (enumeration.ValueKind != JsonValueKind.Array || enumeration.GetArrayLength() == 0)
                throw new UnsupportedSchemaException("enum", path, "enum must be a non-empty array");
            return Literal(schema, [.. enumeration.EnumerateArray()], path);
        }
        if (schema.TryGetProperty("anyOf", out var anyOf))
            return Choice(schema, anyOf, "anyOf", path);
        if (schema.TryGetProperty("oneOf", out var oneOf))
            return Choice(schema, oneOf, "oneOf", path);

        var types = Types(schema, path);
        var nodes = types.Select(type => CompileTyped(schema, type, path)).ToList();
        return nodes.Count == 1 ? nodes[0] : new ChoiceNode(nodes);
    }

    private GrammarNode Choice(JsonElement schema, JsonElement alternatives, string keyword, string path)
    {
        if (alternatives.ValueKind != JsonValueKind.Array || alternatives.GetArrayLength() == 0)
            throw new UnsupportedSchemaException(keyword, path, $"{keyword} must be a non-empty array");
        if (schema.EnumerateObject().Any(p => p.Name != keyword && Applicators.Contains(p.Name)))
            throw new UnsupportedSchemaException(keyword, path, $"{keyword} beside other constraints is not supported");
        var nodes = alternatives.EnumerateArray().Select((a, i) => CompileSchema(a, $"{path}/{keyword}/{i}")).ToList();
        // oneOf means exactly one: honoured exactly only when no value can satisfy two alternatives.
        if (keyword == "oneOf")
        {
            var kinds = alternatives.EnumerateArray().Select(a => DisjointKinds(a)).ToList();
            if (kinds.Any(k => k is null) || kinds.SelectMany(k => k!).Count() != kinds.SelectMany(k => k!).Distinct().Count())
                throw new UnsupportedSchemaException("oneOf", path, "oneOf alternatives that may overlap (use anyOf, or give each its own type or const)");
        }
        return nodes.Count == 1 ? nodes[0] : new ChoiceNode(nodes);
    }

    /// <summary>What distinguishes an alternative for oneOf: its types, or its const/enum texts; null when unknown.</summary>
    private IEnumerable<string>? DisjointKinds(JsonElement alternative)
    {
        if (alternative.ValueKind != JsonValueKind.Object)
            return null;
        if (alternative.TryGetProperty("$ref", out var reference) && reference.GetString() is { } target && target.StartsWith("#", StringComparison.Ordinal))
            return DisjointKinds(Resolve(target));
        if (alternative.TryGetProperty("const", out var constant))
            return [$"const:{constant.GetRawText()}"];
        if (alternative.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
            return values.EnumerateArray().Select(v => $"const:{v.GetRawText()}").ToList();
        if (!alternative.TryGetProperty("type", out _))
            return null;
        // A number alternative overlaps an integer one.
        return Types(alternative, "#").Select(t => t == "integer" ? "number" : t).ToList();
    }

    private List<string> Types(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            // Without a type, the keywords present say which kinds they constrain; none means any value.
            var implied = new List<string>();
            if (ObjectKeywords.Any(k => schema.TryGetProperty(k, out _))) implied.Add("object");
            if (ArrayKeywords.Any(k => schema.TryGetProperty(k, out _))) implied.Add("array");
            if (StringKeywords.Any(k => schema.TryGetProperty(k, out _))) implied.Add("string");
            if (NumberKeywords.Any(k => schema.TryGetProperty(k, out _))) implied.Add("number");
            if (implied.Count > 1)
                throw new UnsupportedSchemaException("type", path, "keywords of several types without a type");
            return implied.Count == 1 ? implied : ["any"];
        }
        var names = type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => type.EnumerateArray().Select(t => t.GetString() ?? "").ToList(),
            _ => throw new UnsupportedSchemaException("type", path, "type must be a string or an array of strings"),
        };
        foreach (var name in names)
        {
            if (name is not ("object" or "array" or "string" or "number" or "integer" or "boolean" or "null"))
                throw new UnsupportedSchemaException("type", path, $"unknown type '{name}'");
        }
        return [.. names.Distinct()];
    }

    private GrammarNode CompileTyped(JsonElement schema, string type, string path) => type switch
    {
        "any" => AnyValueNode.Instance,
        "object" => CompileObject(schema, path),
        "array" => CompileArray(schema, path),
        "string" => CompileString(schema, path),
        "number" or "integer" => CompileNumber(schema, type == "integer", path),
        "boolean" => LiteralNode.Of("true", "false"),
        _ => LiteralNode.Of("null"),
    };

    private ObjectNode CompileObject(JsonElement schema, string path)
    {
        var properties = new List<PropertyNode>();
        if (schema.TryGetProperty("properties", out var declared))
        {
            if (declared.ValueKind != JsonValueKind.Object)
                throw new UnsupportedSchemaException("properties", path, "properties must be an object");
            foreach (var property in declared.EnumerateObject())
            {
                var encoded = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(property.Name, CompactJson));
                properties.Add(new PropertyNode(property.Name, encoded, CompileSchema(property.Value, $"{path}/properties/{property.Name}")));
            }
        }
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredList))
        {
            if (requiredList.ValueKind != JsonValueKind.Array)
                throw new UnsupportedSchemaException("required", path, "required must be an array");
            required.UnionWith(requiredList.EnumerateArray().Select(r => r.GetString() ?? ""));
        }
        GrammarNode? additional = null;
        if (schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind != JsonValueKind.False)
            additional = CompileSchema(extra, $"{path}/additionalProperties");
        foreach (var name in required)
        {
            if (additional is null && properties.All(p => p.Name != name))
                throw new UnsupportedSchemaException("required", path, $"required property '{name}' is not declared and additionalProperties is false");
        }
        return new ObjectNode(properties, required, additional);
    }

    private ArrayNode CompileArray(JsonElement schema, string path)
    {
        var prefix = new List<GrammarNode>();
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            if (prefixItems.ValueKind != JsonValueKind.Array)
                throw new UnsupportedSchemaException("prefixItems", path, "prefixItems must be an array");
            prefix.AddRange(prefixItems.EnumerateArray().Select((item, i) => CompileSchema(item, $"{path}/prefixItems/{i}")));
        }
        GrammarNode? items = AnyValueNode.Instance;
        if (schema.TryGetProperty("items", out var itemSchema))
        {
            if (itemSchema.ValueKind == JsonValueKind.Array)
                throw new UnsupportedSchemaException("items", path, "items as an array (draft 4 tuples): use prefixItems");
            items = itemSchema.ValueKind == JsonValueKind.False ? null : CompileSchema(itemSchema, $"{path}/items");
        }
        var min = Count(schema, "minItems", path) ?? 0;
        var max = Count(schema, "maxItems", path);
        if (max < min)
            throw new UnsupportedSchemaException("maxItems", path, "maxItems is below minItems");
        var node = new ArrayNode(prefix, items, min, max);
        if (node.MaxItems < min)
            throw new UnsupportedSchemaException("minItems", path, "minItems exceeds what prefixItems and items allow");
        return node;
    }

    private static StringNode CompileString(JsonElement schema, string path)
    {
        var min = Count(schema, "minLength", path) ?? 0;
        var max = Count(schema, "maxLength", path);
        if (max < min)
            throw new UnsupportedSchemaException("maxLength", path, "maxLength is below minLength");
        if (schema.TryGetProperty("pattern", out var pattern) && schema.TryGetProperty("format", out _))
            throw new UnsupportedSchemaException("format", path, "pattern and format together are not supported");
        CodePointRegex? regex = null;
        try
        {
            if (schema.TryGetProperty("pattern", out pattern))
                regex = CodePointRegex.Parse(pattern.GetString() ?? "");
            else if (schema.TryGetProperty("format", out var format))
                regex = StringFormats.Pattern(format.GetString() ?? "") is { } formatPattern
                    ? CodePointRegex.Parse(formatPattern)
                    : throw new UnsupportedSchemaException("format", path, $"format '{format.GetString()}' is not supported (date, time, date-time, uuid, email are)");
        }
        catch (NotSupportedException error)
        {
            throw new UnsupportedSchemaException("pattern", path, error.Message);
        }
        return new StringNode(min, max, regex);
    }

    private static NumberNode CompileNumber(JsonElement schema, bool integer, string path)
    {
        decimal? Bound(string keyword)
        {
            if (!schema.TryGetProperty(keyword, out var value))
                return null;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
                throw new UnsupportedSchemaException(keyword, path, $"{keyword} must be a number (the draft-4 boolean form is not supported)");
            return number;
        }
        var minimum = Bound("minimum");
        var maximum = Bound("maximum");
        var exclusiveMinimum = Bound("exclusiveMinimum");
        var exclusiveMaximum = Bound("exclusiveMaximum");
        // The tighter of an inclusive and an exclusive bound on the same side wins.
        var (low, lowExclusive) = Tighter(minimum, exclusiveMinimum, pickLarger: true);
        var (high, highExclusive) = Tighter(maximum, exclusiveMaximum, pickLarger: false);
        var node = new NumberNode(integer, low, lowExclusive, high, highExclusive);
        if (low is { } l && high is { } h && (l > h || (l == h && (lowExclusive || highExclusive)) || (integer && !HasInteger(node, l, h))))
            throw new UnsupportedSchemaException("minimum", path, "no number satisfies the bounds");
        return node;
    }

    private static bool HasInteger(NumberNode node, decimal low, decimal high)
    {
        var first = Math.Ceiling(low);
        return node.Contains(first) ? first <= high : node.Contains(first + 1) && first + 1 <= high;
    }

    private static (decimal?, bool) Tighter(decimal? inclusive, decimal? exclusive, bool pickLarger)
    {
        if (inclusive is null)
            return (exclusive, exclusive is not null);
        if (exclusive is null)
            return (inclusive, false);
        var exclusiveWins = pickLarger ? exclusive >= inclusive : exclusive <= inclusive;
        return exclusiveWins ? (exclusive, true) : (inclusive, false);
    }

    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
            return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw new UnsupportedSchemaException(keyword, path, $"{keyword} must be a non-negative integer");
    }

    private static LiteralNode Literal(JsonElement schema, IReadOnlyList<JsonElement> values, string path)
    {
        if (schema.EnumerateObject().Any(p => p.Name is not ("const" or "enum" or "type") && Applicators.Contains(p.Name)))
            throw new UnsupportedSchemaException(schema.TryGetProperty("const", out _) ? "const" : "enum", path,
                "const/enum beside constraints other than type is not supported");
        return new LiteralNode([.. values.Select(v => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(v, CompactJson))).DistinctBy(Convert.ToBase64String)]);
    }

    private RefNode RefTo(string reference, string path)
    {
        if (reference != "#" && !reference.StartsWith("#/", StringComparison.Ordinal))
            throw new UnsupportedSchemaException("$ref", path, $"only references inside the schema are supported, not '{reference}'");
        Resolve(reference, path);
        if (!_refs.TryGetValue(reference, out var node))
            _refs[reference] = node = new RefNode(reference);
        return node;
    }

    private JsonElement Resolve(string reference, string path = "#")
    {
        var current = _root;
        foreach (var raw in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
                current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
                current = current[index];
            else
                throw new UnsupportedSchemaException("$ref", path, $"'{reference}' points at nothing");
        }
        return current;
    }

    private static readonly JsonSerializerOptions CompactJson = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
