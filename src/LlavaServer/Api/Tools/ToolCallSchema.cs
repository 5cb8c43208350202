using System.Text.Json;
using System.Text.Json.Nodes;
using LlavaServer.Api.Errors;

namespace LlavaServer.Api.Tools;

/// <summary>
/// The JSON Schema of <c>tool_choice: "required"</c>'s output, as vLLM builds it: an array of at least one
/// <c>{"name": …, "parameters": …}</c>, each item any one of the tools with its name fixed, at most one item when
/// <c>parallel_tool_calls</c> is false. The tools' own <c>$defs</c> (and <c>definitions</c>) move to the root, where
/// their <c>#/$defs/…</c> references then resolve.
/// </summary>
internal static class ToolCallSchema
{
    private static readonly string[] DefinitionKeywords = ["$defs", "definitions"];

    /// <param name="functions">Each tool's name and its parameters schema.</param>
    /// <exception cref="ApiException">Two tools define the same name in <c>$defs</c> differently.</exception>
    public static JsonElement Required(IReadOnlyList<(string Name, JsonElement Parameters)> functions, bool parallel)
    {
        var definitions = DefinitionKeywords.ToDictionary(k => k, _ => new JsonObject());
        var alternatives = new JsonArray();
        foreach (var (name, parameters) in functions)
        {
            var schema = JsonNode.Parse(parameters.GetRawText())!;
            if (schema is JsonObject body)
                Hoist(body, definitions);
            alternatives.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["name"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(name) },
                    ["parameters"] = schema,
                },
                ["required"] = new JsonArray("name", "parameters"),
                ["additionalProperties"] = false,
            });
        }

        var root = new JsonObject
        {
            ["type"] = "array",
            ["minItems"] = 1,
            ["items"] = new JsonObject { ["anyOf"] = alternatives },
        };
        if (!parallel) root["maxItems"] = 1;
        foreach (var (keyword, found) in definitions)
        {
            if (found.Count > 0) root[keyword] = found;
        }
        using var document = JsonDocument.Parse(root.ToJsonString());
        return document.RootElement.Clone();
    }

    private static void Hoist(JsonObject schema, Dictionary<string, JsonObject> definitions)
    {
        foreach (var keyword in DefinitionKeywords)
        {
            if (schema[keyword] is not JsonObject defined) continue;
            schema.Remove(keyword);
            foreach (var (name, definition) in defined.ToList())
            {
                defined.Remove(name);
                if (definitions[keyword][name] is { } earlier && !JsonNode.DeepEquals(earlier, definition))
                {
                    throw ApiException.BadRequest(
                        $"Two tools define '{keyword}/{name}' differently; with tool_choice 'required' their definitions share one namespace.",
                        "tools");
                }
                definitions[keyword][name] = definition;
            }
        }
    }
}
