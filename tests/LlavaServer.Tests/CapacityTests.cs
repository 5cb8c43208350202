using System.Net;
using System.Text.Json;

namespace LlavaServer.Tests;

/// <summary>
/// One decode slot and one waiting place (<see cref="GuardedServer"/>): a client that goes away frees its
/// slot, and a full queue answers 429 with Retry-After.
/// </summary>
[Collection(nameof(GuardedServer))]
public sealed class CapacityTests(GuardedServer server) : IDisposable
{
    private readonly HttpClient _client = server.CreateClient(abandonAtOnce: true);

    private async Task<(HttpResponseMessage Response, Stream Body)> StartStreamAsync()
    {
        var response = await Sse.PostStreamAsync(_client, "/v1/chat/completions", TestData.Json(TestData.SlotHoldingStream()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStreamAsync();
        Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(body));
        return (response, body);
    }

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task ClientDisconnectMidStreamFreesTheSequence()
    {
        var (response, body) = await StartStreamAsync();
        Assert.Contains("\"content\":", await Sse.ReadOneEventAsync(body));
        Assert.Equal(1, server.Engine.RunningCount);

        response.Dispose();

        Assert.True(await Eventually.TrueAsync(() => server.Engine.RunningCount == 0), "the engine kept the disconnected sequence");
        using var next = await server.Http.PostAsync("/v1/chat/completions",
            TestData.Json(TestData.TextChat("Hi", 2)));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task FullQueueAnswers429WithRetryAfter()
    {
        var (running, _) = await StartStreamAsync();
        var waiting = Sse.PostStreamAsync(_client, "/v1/chat/completions", TestData.Json(TestData.SlotHoldingStream()));
        Assert.True(await Eventually.TrueAsync(() => server.Engine.WaitingCount == 1), "the second request never queued");

        using var refused = await server.Http.PostAsync("/v1/chat/completions",
            TestData.Json(TestData.TextChat("Hi", 2)));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter!.Delta);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("type").GetString());

        running.Dispose();
        (await waiting).Dispose();
        Assert.True(await Eventually.TrueAsync(() => server.Engine.RunningCount == 0 && server.Engine.WaitingCount == 0));
    }
}
