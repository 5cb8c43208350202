using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlavaServer.Api.Chat;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;

namespace LlavaServer.Api.Tools;

/// <summary>
/// Checks <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> and decides, as vLLM does without a
/// model-specific tool parser: a named function constrains the output to that function's arguments; <c>required</c>
/// to an array of calls (<see cref="ToolCallSchema"/>); <c>none</c> leaves it free. <c>auto</c> — OpenAI's default
/// whenever tools are given — would need a parser of each model's own call syntax, so it is refused unless the chat
/// template renders tools, in which case the model sees them and its text comes back as content.
/// </summary>
internal static partial class ToolChoicePlanner
{
    private const string ChoiceParam = "tool_choice";

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();

    /// <summary>OpenAI's meaning of a function without parameters: it takes an empty object.</summary>
    private static readonly JsonElement NoParameters = JsonDocument.Parse("""{"type": "object", "properties": {}}""").RootElement.Clone();

    public static ToolPlan Plan(ChatCompletionRequest request, bool templateRendersTools)
    {
        var tools = request.Tools ?? [];
        var choice = request.ToolChoice;
        if (tools.Count == 0)
        {
            if (choice is null or { Mode: "none" }) return ToolPlan.None;
            throw ApiException.BadRequest("'tool_choice' needs a non-empty 'tools' array.", ChoiceParam);
        }

        var functions = tools.Select(Checked).ToList();
        if (functions.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != functions.Count)
            throw ApiException.BadRequest("Function names in 'tools' must be unique.", "tools");
        var templateTools = functions.Select(f => f.ForTemplate).ToList();

        if (choice?.Named is { } named)
        {
            if (named.Type != "function")
                throw ApiException.BadRequest("A named tool_choice must have type 'function'.", ChoiceParam + ".type");
            var name = named.Function?.Name
                ?? throw ApiException.BadRequest("A named tool_choice needs 'function.name'.", ChoiceParam + ".function.name");
            var index = functions.FindIndex(f => f.Name == name);
            if (index < 0)
                throw ApiException.BadRequest($"tool_choice names function '{name}', which is not in 'tools'.", ChoiceParam + ".function.name");
            var grammar = SchemaGrammar.Compile(functions[index].Parameters, $"tools[{index}].function.parameters");
            return new ToolPlan(grammar, () => new NamedToolCallReader(name), templateTools);
        }

        switch (choice?.Mode ?? "auto")
        {
            case "none":
                return new ToolPlan(null, null, templateTools);
            case "required":
                var schema = ToolCallSchema.Required(functions.Select(f => (f.Name, f.Parameters)).ToList(), request.ParallelToolCalls ?? true);
                return new ToolPlan(SchemaGrammar.Compile(schema, "tools"), () => new ToolCallArrayReader(), templateTools);
            case "auto" when templateRendersTools:
                return new ToolPlan(null, null, templateTools);
            case "auto":
                throw ApiException.BadRequest(
                    "tool_choice 'auto' (the default when tools are given) needs a model-specific parser of the calls a model writes, which this server does not have for this model's chat template. Use tool_choice 'required' or a named function: the output is then constrained to valid calls.",
                    ChoiceParam, "unsupported_parameter");
            default:
                throw ApiException.BadRequest(
                    $"Invalid tool_choice '{choice!.Mode}'; use 'none', 'auto', 'required' or {{\"type\": \"function\", \"function\": {{\"name\": …}}}}.",
                    ChoiceParam);
        }
    }

    private sealed record Function(string Name, JsonElement Parameters, JsonElement ForTemplate);

    private static Function Checked(ToolDefinition? tool, int index)
    {
        var param = $"tools[{index}]";
        if (tool?.Type != "function")
            throw ApiException.BadRequest("Only tools of type 'function' are supported.", param + ".type");
        var function = tool.Function ?? throw ApiException.BadRequest("A tool needs 'function'.", param + ".function");
        if (function.Name is not { } name || !FunctionName().IsMatch(name))
        {
            throw ApiException.BadRequest(
                "A function name must be 1 to 64 letters, digits, underscores or dashes.", param + ".function.name");
        }
        if (function.Parameters is { ValueKind: not JsonValueKind.Object } bad && bad.ValueKind != JsonValueKind.Null)
            throw ApiException.BadRequest("'parameters' must be a JSON Schema object.", param + ".function.parameters");
        var parameters = function.Parameters is { ValueKind: JsonValueKind.Object } given ? given : NoParameters;

        // What transformers' templates receive for a tool given as a dict: OpenAI's tool object.
        var definition = new JsonObject { ["name"] = name };
        if (function.Description is { } description) definition["description"] = description;
        if (function.Parameters is { ValueKind: JsonValueKind.Object }) definition["parameters"] = JsonNode.Parse(parameters.GetRawText());
        var forTemplate = new JsonObject { ["type"] = "function", ["function"] = definition };
        using var document = JsonDocument.Parse(forTemplate.ToJsonString());
        return new Function(name, parameters, document.RootElement.Clone());
    }
}
