using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlavaServer.Tests;

/// <summary><c>GET /v1/status</c> reports the engine's sequences and counts every prompt and generated token.</summary>
[Collection(nameof(ApiServer))]
public sealed class StatusEndpointTests(ApiServer server)
{
    private async Task<JsonElement> StatusAsync()
    {
        using var response = await server.Http.GetAsync("/v1/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static long Total(JsonElement status, string name) => status.GetProperty("throughput").GetProperty(name).GetInt64();

    [Fact]
    public async Task DescribesTheServedModelItsSlotsAndLimits()
    {
        var status = await StatusAsync();

        Assert.Equal("server.status", status.GetProperty("object").GetString());
        Assert.Equal("ready", status.GetProperty("state").GetString());
        Assert.Equal(TestData.Model, status.GetProperty("model").GetString());
        Assert.Equal(server.Engine.Model.Precision, status.GetProperty("precision").GetString());
        Assert.StartsWith("float32", server.Engine.Model.Precision);
        var requests = status.GetProperty("requests");
        Assert.Equal(0, requests.GetProperty("running").GetInt32());
        Assert.Equal(0, requests.GetProperty("waiting").GetInt32());
        Assert.Equal(4, requests.GetProperty("max_running").GetInt32());
        Assert.Equal(64, requests.GetProperty("max_waiting").GetInt32());
        Assert.Equal(4, status.GetProperty("kv_cache").GetProperty("slots_total").GetInt32());
        Assert.Equal(0, status.GetProperty("kv_cache").GetProperty("usage").GetDouble());
        Assert.Equal(5, status.GetProperty("throughput").GetProperty("window_seconds").GetInt32());
        var limits = status.GetProperty("limits");
        Assert.Equal(512, limits.GetProperty("max_model_len").GetInt32());
        Assert.Equal(20 * 1024 * 1024, limits.GetProperty("max_image_bytes").GetInt64());
        Assert.Equal(8, limits.GetProperty("max_images_per_request").GetInt32());
        Assert.Equal(64 * 1024 * 1024, limits.GetProperty("max_request_body_bytes").GetInt64());
        Assert.Equal(["image_features", "prefix"], status.GetProperty("caches").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(server.Engine.LiveTensorCount, status.GetProperty("live_tensors").GetInt64());
    }

    [Fact]
    public async Task CountsThePromptAndGeneratedTokensOfACompletion()
    {
        var before = await StatusAsync();
        var body = TestData.Chat(new JsonArray(TestData.UserMessage("What is shown?", "gradient_84x84.png")), 7);
        body["ignore_eos"] = true;
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");

        var after = await StatusAsync();

        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(7, Total(after, "generation_tokens_total") - Total(before, "generation_tokens_total"));
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), Total(after, "prompt_tokens_total") - Total(before, "prompt_tokens_total"));
        Assert.Equal(1, Total(after, "images_total") - Total(before, "images_total"));
        Assert.Equal(1, Total(after, "sequences_finished_total") - Total(before, "sequences_finished_total"));
        var lookups = (JsonElement status, string cache) => status.GetProperty("caches").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == cache) is var c
            ? c.GetProperty("hits").GetInt64() + c.GetProperty("misses").GetInt64() : 0;
        Assert.Equal(1, lookups(after, "image_features") - lookups(before, "image_features"));
    }

    [Fact]
    public async Task ShowsARunningStreamAndCountsItsTokensBeforeItEnds()
    {
        var before = await StatusAsync();
        using var client = server.CreateClient(abandonAtOnce: true);
        var body = TestData.TextChat("Count.", 480, stream: true);
        body["ignore_eos"] = true;
        var response = await Sse.PostStreamAsync(client, "/v1/chat/completions", TestData.Json(body));
        var stream = await response.Content.ReadAsStreamAsync();
        Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(stream));
        Assert.Contains("\"content\":", await Sse.ReadOneEventAsync(stream));

        var during = await StatusAsync();
        response.Dispose();

        Assert.Equal(1, during.GetProperty("requests").GetProperty("running").GetInt32());
        Assert.Equal(1, during.GetProperty("kv_cache").GetProperty("slots_used").GetInt32());
        Assert.Equal(0.25, during.GetProperty("kv_cache").GetProperty("usage").GetDouble());
        Assert.True(Total(during, "generation_tokens_total") > Total(before, "generation_tokens_total"));
        Assert.Equal(Total(before, "sequences_finished_total"), Total(during, "sequences_finished_total"));
        Assert.True(await Eventually.TrueAsync(() => server.Engine.RunningCount == 0));
    }
}
