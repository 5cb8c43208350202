using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlavaServer.Api.Contracts;

/// <summary>One entry of <c>tools</c>: <c>{"type": "function", "function": {…}}</c>.</summary>
public sealed class ToolDefinition
{
    public string? Type { get; set; }
    public FunctionDefinition? Function { get; set; }
}

public sealed class FunctionDefinition
{
    /// <summary>Letters, digits, underscores and dashes, at most 64.</summary>
    public string? Name { get; set; }

    public string? Description { get; set; }

    /// <summary>A JSON Schema of the arguments object; none means no arguments (<c>{}</c>).</summary>
    public JsonElement? Parameters { get; set; }

    /// <summary>Accepted; arguments always follow the schema exactly.</summary>
    public bool? Strict { get; set; }
}

/// <summary><c>tool_choice</c>: <c>"none"</c>, <c>"auto"</c>, <c>"required"</c>, or <c>{"type": "function", "function": {"name": …}}</c>.</summary>
[JsonConverter(typeof(ToolChoiceConverter))]
public sealed class ToolChoice
{
    /// <summary>Set for the string forms.</summary>
    public string? Mode { get; init; }

    /// <summary>Set for the object form.</summary>
    public NamedToolChoice? Named { get; init; }
}

public sealed class NamedToolChoice
{
    public string? Type { get; set; }
    public FunctionName? Function { get; set; }
}

public sealed class FunctionName
{
    public string? Name { get; set; }
}

/// <summary>A call the model made: in a response's <c>message.tool_calls</c>, or in an assistant message of the history.</summary>
public sealed class ToolCall
{
    /// <summary><c>call_…</c>.</summary>
    public string? Id { get; set; }

    /// <summary>Always <c>function</c>.</summary>
    public string? Type { get; set; }

    public FunctionCall? Function { get; set; }
}

public sealed class FunctionCall
{
    public string? Name { get; set; }

    /// <summary>The arguments object as a JSON string.</summary>
    public string? Arguments { get; set; }
}

/// <summary>
/// A piece of a streamed call (<c>delta.tool_calls[]</c>): the first piece of call <see cref="Index"/> carries its
/// id, type, name and empty arguments; later pieces only more of the arguments text.
/// </summary>
public sealed record ToolCallChunk(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    FunctionCallChunk Function);

public sealed record FunctionCallChunk(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    string Arguments);

/// <summary>Reads <c>tool_choice</c> as a string or a named-function object.</summary>
public sealed class ToolChoiceConverter : JsonConverter<ToolChoice>
{
    public override ToolChoice Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new ToolChoice { Mode = reader.GetString() };
        if (reader.TokenType == JsonTokenType.StartObject)
            return new ToolChoice { Named = JsonSerializer.Deserialize(ref reader, ApiJson.Context.NamedToolChoice) };
        throw new JsonException("must be \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}");
    }

    public override void Write(Utf8JsonWriter writer, ToolChoice value, JsonSerializerOptions options)
    {
        if (value.Named is { } named)
            JsonSerializer.Serialize(writer, named, ApiJson.Context.NamedToolChoice);
        else
            writer.WriteStringValue(value.Mode);
    }
}
