using System.Net;
using System.Text.Json;

namespace LlavaServer.Tests;

/// <summary>
/// A request that waits behind a long stream for longer than <c>--queue-timeout</c> gets 503 with Retry-After
/// (non-streaming) or an error event (streaming), and the engine counts it.
/// </summary>
[Collection(nameof(QueueDeadlineServer))]
public sealed class QueueDeadlineTests(QueueDeadlineServer server) : IAsyncLifetime
{
    private readonly HttpClient _client = server.CreateClient(abandonAtOnce: true);
    private HttpResponseMessage? _running;

    /// <summary>Occupies the only decode slot with a long stream, held before sampling each token after its first.</summary>
    public async Task InitializeAsync()
    {
        server.Pause.Arm([.. Enumerable.Range(2, HeldSteps)]);
        _running = await Sse.PostStreamAsync(_client, "/v1/chat/completions", TestData.Json(TestData.SlotHoldingStream()));
        Assert.Equal(HttpStatusCode.OK, _running.StatusCode);
        var stream = await _running.Content.ReadAsStreamAsync();
        await Sse.ReadOneEventAsync(stream);
        Assert.Contains("\"content\":", await Sse.ReadOneEventAsync(stream));
        await server.Pause.Reached;
    }

    private const int HeldSteps = 50;

    /// <summary>
    /// Lets the held engine take one step at a time, each after more than the deadline has passed, until
    /// <paramref name="answer"/> comes: the engine queues an arrival at one step and fails it at a later one, and the
    /// long stream is still running (held at its next token) when the test looks.
    /// </summary>
    private async Task<T> StepUntilAnsweredAsync<T>(Task<T> answer)
    {
        Assert.True(await Eventually.TrueAsync(() => server.Engine.WaitingCount == 1), "the request never queued");
        for (var step = 0; step < HeldSteps - 1 && !answer.IsCompleted; step++)
        {
            await Task.Delay(QueueDeadlineServer.QueueTimeout * 2);
            server.Pause.Release();
            await Task.WhenAny(answer, server.Pause.Reached);
        }
        return await answer;
    }

    public async Task DisposeAsync()
    {
        server.Pause.Arm();
        _running?.Dispose();
        Assert.True(await Eventually.TrueAsync(() => server.Engine.RunningCount == 0), "the long stream kept its slot");
        _client.Dispose();
    }

    [Fact]
    public async Task AWaitingRequestPastTheDeadlineIs503WithRetryAfter()
    {
        var before = server.Engine.GetStats().QueueTimeouts;

        using var response = await StepUntilAnsweredAsync(
            server.Http.PostAsync("/v1/chat/completions", TestData.Json(TestData.TextChat("Hi", 2))));

        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable_error");
        Assert.Equal("queue_timeout", error.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
        Assert.True(await Eventually.TrueAsync(() => server.Engine.GetStats().QueueTimeouts == before + 1), "the timeout was not counted");
        Assert.Equal(1, server.Engine.RunningCount);
    }

    [Fact]
    public async Task AWaitingStreamPastTheDeadlineEndsWithAnErrorEvent()
    {
        async Task<List<string>> StreamAsync()
        {
            using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions",
                TestData.Json(TestData.TextChat("Hi", 2, stream: true)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await Sse.ReadDataAsync(response);
        }

        var data = await StepUntilAnsweredAsync(StreamAsync());

        Assert.Equal(3, data.Count);
        Assert.Contains("\"role\":\"assistant\"", data[0]);
        Assert.Equal("[DONE]", data[2]);
        var error = JsonDocument.Parse(data[1]).RootElement.GetProperty("error");
        Assert.Equal("service_unavailable_error", error.GetProperty("type").GetString());
        Assert.Equal("queue_timeout", error.GetProperty("code").GetString());
    }
}
