using LlavaServer.Api.Contracts;
using Microsoft.OpenApi;

namespace LlavaServer.Hosting;

/// <summary>
/// Descriptions of the request fields whose meaning the schema alone does not tell (structured outputs, tools,
/// logit_bias, prefill), written into the OpenAPI document: the contracts' XML comments do not reach it.
/// </summary>
internal static class OpenApiFieldDescriptions
{
    private static readonly Dictionary<Type, Dictionary<string, string>> Fields = new()
    {
        [typeof(ChatCompletionRequest)] = new()
        {
            ["response_format"] = "text, json_object or json_schema: decoding is constrained so the output parses (and validates against the schema); unsupported schema keywords are a 400 naming them.",
            ["tools"] = "Function definitions. With tool_choice required or a named function the output is constrained to valid calls, returned as message.tool_calls with finish_reason tool_calls.",
            ["tool_choice"] = "none, required, or {\"type\": \"function\", \"function\": {\"name\": …}}. auto (the default when tools are given) needs a model-specific parser and is refused unless the chat template renders tools.",
            ["parallel_tool_calls"] = "With tool_choice required: false allows exactly one call (default true).",
            ["logit_bias"] = "Token id (as a string) to a bias in [-100, 100] added to its logit before sampling; the logprobs returned stay those of the unbiased model.",
            ["continue_final_message"] = "vLLM's assistant prefill: continue the final assistant message (needs add_generation_prompt false); the response holds only the continuation.",
            ["add_generation_prompt"] = "vLLM's: end the prompt with the chat template's assistant prompt (default true).",
        },
        [typeof(ChatMessageDto)] = new()
        {
            ["tool_calls"] = "On an assistant message: the calls it made (content may then be null).",
            ["tool_call_id"] = "On a tool message: the id of the call it answers.",
        },
        [typeof(JsonSchemaFormat)] = new()
        {
            ["schema"] = "A JSON Schema, always enforced exactly (strict or not).",
        },
        [typeof(AssistantMessage)] = new()
        {
            ["tool_calls"] = "Present when tool_choice made the output calls; content is then null.",
        },
        [typeof(TokenizeRequest)] = new()
        {
            ["continue_final_message"] = "For messages: cut after the final assistant message, as generation with prefill sees it (needs add_generation_prompt false).",
        },
    };

    public static void Apply(Type type, OpenApiSchema schema)
    {
        if (!Fields.TryGetValue(type, out var fields) || schema.Properties is not { } properties) return;
        foreach (var (name, description) in fields)
        {
            if (properties.TryGetValue(name, out var property) && property is OpenApiSchema inline)
                inline.Description = description;
        }
    }
}
