using System.Text.Json;

namespace LlavaServer.Tests;

/// <summary>The OpenAPI document describes the structured-output, tool, logit_bias and prefill fields.</summary>
[Collection(nameof(ApiServer))]
public class OpenApiToolFieldsTests(ApiServer server)
{
    [Fact]
    public async Task TheNewRequestFieldsAreDescribed()
    {
        var schemas = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi/v1.json")).RootElement
            .GetProperty("components").GetProperty("schemas");
        var request = schemas.GetProperty("ChatCompletionRequest").GetProperty("properties");
        foreach (var field in new[] { "parallel_tool_calls", "logit_bias", "continue_final_message", "add_generation_prompt" })
            Assert.False(string.IsNullOrEmpty(request.GetProperty(field).GetProperty("description").GetString()), field);
        foreach (var field in new[] { "response_format", "tools", "tool_choice" })
            Assert.True(request.TryGetProperty(field, out _), field);

        var toolChoice = schemas.GetProperty("ToolChoice");
        Assert.Equal(2, toolChoice.GetProperty("oneOf").GetArrayLength());
        Assert.Equal(["none", "auto", "required"], toolChoice.GetProperty("oneOf")[0].GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.True(schemas.GetProperty("JsonSchemaFormat").GetProperty("properties").TryGetProperty("schema", out _));
        Assert.True(schemas.GetProperty("FunctionDefinition").GetProperty("properties").TryGetProperty("parameters", out _));
        Assert.True(schemas.GetProperty("AssistantMessage").GetProperty("properties").TryGetProperty("tool_calls", out _));
    }
}
