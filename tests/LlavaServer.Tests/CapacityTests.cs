using System.Net;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>
/// One decode slot (<see cref="GuardedServer"/>): a client that goes away frees its slot; and, on a server of its own
/// with one slot and one waiting place, a full queue answers 429 with Retry-After.
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
        // A server of its own whose engine is held inside sampling the first request, so its slot and the waiting
        // place stay taken until the test lets go: a long stream instead could end before the third request on an
        // idle machine, which then finds room.
        using var hold = new SamplingHold(4244);
        await using var held = await hold.StartServerAsync(
            ["--model", RepoPaths.FixtureModel, "--max-num-seqs", "1", "--max-waiting-requests", "1"]);
        using var client = held.CreateClient();
        Task<HttpResponseMessage> Post() => client.PostAsync("/v1/chat/completions", TestData.Json(TestData.TextChat("Hi", 2)));
        var first = TestData.TextChat("Hi", 2);
        first["seed"] = hold.Seed;
        var running = client.PostAsync("/v1/chat/completions", TestData.Json(first));
        await hold.Reached.WaitAsync(TimeSpan.FromMinutes(5));
        var waiting = Post();
        Assert.True(await Eventually.TrueAsync(() => held.Engine.WaitingCount == 1), "the second request never queued");

        using (var refused = await Post())
        {
            var error = await ErrorEnvelope.AssertAsync(refused, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter!.Delta);
        }

        hold.Release();
        (await running).Dispose();
        (await waiting).Dispose();
        Assert.True(await Eventually.TrueAsync(() => held.Engine.RunningCount == 0 && held.Engine.WaitingCount == 0));
    }
}
