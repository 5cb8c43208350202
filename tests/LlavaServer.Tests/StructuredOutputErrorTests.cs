using System.Net;
using System.Text.Json.Nodes;

namespace LlavaServer.Tests;

/// <summary>
/// Every refusal of response_format, tools, tool_choice, logit_bias, prefill and tool messages is OpenAI's error envelope
/// naming the field at fault.
/// </summary>
[Collection(nameof(ApiServer))]
public class StructuredOutputErrorTests(ApiServer server)
{
    private const string InvalidRequest = "invalid_request_error";

    private const string Weather = """[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]""";

    /// <summary>A short text chat with the given top-level fields (JSON values).</summary>
    private static JsonObject Body(params (string Field, string Json)[] fields)
    {
        var body = TestData.TextChat("Hello", 4);
        foreach (var (field, json) in fields) body[field] = JsonNode.Parse(json);
        return body;
    }

    private async Task<JsonElementAndMessage> AssertRefusedAsync(JsonObject body, string param)
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, param);
        return new JsonElementAndMessage(error.GetProperty("message").GetString()!);
    }

    private sealed record JsonElementAndMessage(string Message);

    public static TheoryData<string, string, string> ResponseFormats => new()
    {
        { """{"type": "xml"}""", "response_format.type", "xml" },
        { """{"type": "json_schema"}""", "response_format.json_schema", "json_schema" },
        { """{"type": "json_schema", "json_schema": {"schema": {"type": "object"}}}""", "response_format.json_schema.name", "name" },
        { """{"type": "json_schema", "json_schema": {"name": "x"}}""", "response_format.json_schema.schema", "schema" },
        { """{"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object", "patternProperties": {"^a": {}}}}}""", "response_format", "patternProperties" },
        { """{"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "array", "uniqueItems": true}}}""", "response_format", "uniqueItems" },
    };

    [Theory]
    [MemberData(nameof(ResponseFormats))]
    public async Task BadResponseFormatsAre400NamingTheFieldAndKeyword(string format, string param, string named)
    {
        var refused = await AssertRefusedAsync(Body(("response_format", format)), param);
        Assert.Contains(named, refused.Message);
    }

    public static TheoryData<string, string, string> BadTools => new()
    {
        { """[{"type": "retrieval"}]""", "\"required\"", "tools[0].type" },
        { """[{"type": "function"}]""", "\"required\"", "tools[0].function" },
        { """[{"type": "function", "function": {"name": "two words"}}]""", "\"required\"", "tools[0].function.name" },
        { """[{"type": "function", "function": {"name": "f"}}, {"type": "function", "function": {"name": "f"}}]""", "\"required\"", "tools" },
        { """[{"type": "function", "function": {"name": "f", "parameters": "object"}}]""", "\"required\"", "tools[0].function.parameters" },
        { """[{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "not": {}}}}]""", """{"type": "function", "function": {"name": "f"}}""", "tools[0].function.parameters" },
        { """[{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "not": {}}}}]""", "\"required\"", "tools" },
        {
            """[{"type": "function", "function": {"name": "f", "parameters": {"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/a"}}}, {"type": "function", "function": {"name": "g", "parameters": {"$defs": {"a": {"type": "integer"}}, "$ref": "#/$defs/a"}}}]""",
            "\"required\"", "tools"
        },
        { Weather, "\"sometimes\"", "tool_choice" },
        { Weather, """{"type": "function", "function": {"name": "get_time"}}""", "tool_choice.function.name" },
        { Weather, """{"type": "retrieval", "function": {"name": "get_weather"}}""", "tool_choice.type" },
        { Weather, """{"type": "function", "function": {}}""", "tool_choice.function.name" },
        { Weather, "3", "tool_choice" },
        { "[]", "\"required\"", "tool_choice" },
    };

    [Theory]
    [MemberData(nameof(BadTools))]
    public async Task BadToolsOrToolChoicesAre400NamingTheField(string tools, string choice, string param) =>
        await AssertRefusedAsync(Body(("tools", tools), ("tool_choice", choice)), param);

    [Fact]
    public async Task AutoToolChoiceIsRefusedSayingAParserIsNeeded()
    {
        foreach (var body in new[] { Body(("tools", Weather)), Body(("tools", Weather), ("tool_choice", "\"auto\"")) })
        {
            var refused = await AssertRefusedAsync(body, "tool_choice");
            Assert.Contains("parser", refused.Message);
            Assert.Contains("required", refused.Message);
        }
    }

    [Fact]
    public async Task AResponseFormatBesideConstrainedToolCallsIs400() =>
        await AssertRefusedAsync(Body(("tools", Weather), ("tool_choice", "\"required\""), ("response_format", """{"type": "json_object"}""")),
            "response_format");

    public static TheoryData<string> BadLogitBiases => ["""{"abc": 1}""", """{"-5": 1}""", """{"2.5": 1}""", """{"5": 100.5}""", """{"5": -101}"""];

    [Theory]
    [MemberData(nameof(BadLogitBiases))]
    public async Task BadLogitBiasesAre400(string bias) => await AssertRefusedAsync(Body(("logit_bias", bias)), "logit_bias");

    private static JsonObject Prefill(bool? addGenerationPrompt, string lastRole)
    {
        var body = TestData.Chat(
            [new JsonObject { ["role"] = "user", ["content"] = "Hi" }, new JsonObject { ["role"] = lastRole, ["content"] = "Sure," }], 4);
        body["continue_final_message"] = true;
        if (addGenerationPrompt is { } add) body["add_generation_prompt"] = add;
        return body;
    }

    [Fact]
    public async Task PrefillNeedsTheGenerationPromptOffAndAFinalAssistantMessage()
    {
        await AssertRefusedAsync(Prefill(null, "assistant"), "continue_final_message");
        await AssertRefusedAsync(Prefill(true, "assistant"), "continue_final_message");
        await AssertRefusedAsync(Prefill(false, "user"), "messages");
    }

    public static TheoryData<string, string> BadToolMessages => new()
    {
        { """[{"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{not json"}}]}]""", "messages[0].tool_calls[0].function.arguments" },
        { """[{"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function"}]}]""", "messages[0].tool_calls[0].function" },
        { """[{"role": "user", "content": "x", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}]""", "messages[0].tool_calls" },
    };

    [Theory]
    [MemberData(nameof(BadToolMessages))]
    public async Task BadToolMessagesAre400NamingTheField(string messages, string param) =>
        await AssertRefusedAsync(Body(("messages", messages)), param);
}
