using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>vLLM's /tokenize and /detokenize, checked against the golden token ids.</summary>
[Collection(nameof(ApiServer))]
public class TokenizerEndpointTests(ApiServer server)
{
    private async Task<JsonElement> PostAsync(string path, JsonNode body)
    {
        using var response = await server.Http.PostAsync(path, TestData.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task MessagesTokenizeToTheGoldenIdsWithImagePositionsExpanded()
    {
        var golden = GoldenCases.Get("two_images");
        var result = await PostAsync("/tokenize", new JsonObject { ["model"] = TestData.Model, ["messages"] = TestData.GoldenMessages(golden) });

        var expected = GoldenCases.Ints(golden.GetProperty("input_ids"));
        Assert.Equal(expected, result.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal(expected.Length, result.GetProperty("count").GetInt32());
        Assert.Equal(512, result.GetProperty("max_model_len").GetInt32());
        Assert.Equal(72, expected.Count(id => id == 32000));
    }

    [Fact]
    public async Task PromptTokenizesWithOrWithoutSpecialTokens()
    {
        var golden = GoldenCases.Get("text_only");
        var prompt = golden.GetProperty("prompt").GetString()!;
        var withBos = await PostAsync("/tokenize", new JsonObject { ["prompt"] = prompt, ["return_token_strs"] = true });
        Assert.Equal(GoldenCases.Ints(golden.GetProperty("input_ids")), withBos.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal("<s>", withBos.GetProperty("token_strs")[0].GetString());

        var withoutBos = await PostAsync("/tokenize", new JsonObject { ["prompt"] = prompt, ["add_special_tokens"] = false });
        Assert.Equal(GoldenCases.Ints(golden.GetProperty("input_ids")).Skip(1), withoutBos.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        Assert.False(withoutBos.TryGetProperty("token_strs", out _));
    }

    [Fact]
    public async Task DetokenizeReturnsTheText()
    {
        var golden = GoldenCases.Get("single_gradient").GetProperty("greedy");
        var ids = new JsonArray(GoldenCases.Ints(golden.GetProperty("ids")).Select(i => (JsonNode)i).ToArray());
        var result = await PostAsync("/detokenize", new JsonObject { ["model"] = TestData.Model, ["tokens"] = ids });
        Assert.Equal(golden.GetProperty("text").GetString(), result.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task BadTokenizerRequestsAre400()
    {
        using var neither = await server.Http.PostAsync("/tokenize", TestData.Json("{}"));
        await ErrorEnvelope.AssertAsync(neither, HttpStatusCode.BadRequest, "invalid_request_error", "prompt");

        using var outside = await server.Http.PostAsync("/detokenize", TestData.Json("""{"tokens": [1, 99999]}"""));
        await ErrorEnvelope.AssertAsync(outside, HttpStatusCode.BadRequest, "invalid_request_error", "tokens[1]");

        using var wrongModel = await server.Http.PostAsync("/tokenize", TestData.Json("""{"model": "other", "prompt": "x"}"""));
        await ErrorEnvelope.AssertAsync(wrongModel, HttpStatusCode.NotFound, "not_found_error", "model");
    }
}
