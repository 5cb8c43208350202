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

    /// <summary>Occupies the only decode slot with a stream far longer than the deadline.</summary>
    public async Task InitializeAsync()
    {
        _running = await Sse.PostStreamAsync(_client, "/v1/chat/completions", TestData.Json(TestData.SlotHoldingStream()));
        Assert.Equal(HttpStatusCode.OK, _running.StatusCode);
        var stream = await _running.Content.ReadAsStreamAsync();
        await Sse.ReadOneEventAsync(stream);
        Assert.Contains("\"content\":", await Sse.ReadOneEventAsync(stream));
    }

    public async Task DisposeAsync()
    {
        _running?.Dispose();
        Assert.True(await Eventually.TrueAsync(() => server.Engine.RunningCount == 0), "the long stream kept its slot");
        _client.Dispose();
    }

    [Fact]
    public async Task AWaitingRequestPastTheDeadlineIs503WithRetryAfter()
    {
        var before = server.Engine.GetStats().QueueTimeouts;

        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(TestData.TextChat("Hi", 2)));

        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable_error");
        Assert.Equal("queue_timeout", error.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
        Assert.Equal(before + 1, server.Engine.GetStats().QueueTimeouts);
        Assert.Equal(1, server.Engine.RunningCount);
    }

    [Fact]
    public async Task AWaitingStreamPastTheDeadlineEndsWithAnErrorEvent()
    {
        using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(TestData.TextChat("Hi", 2, stream: true)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var data = await Sse.ReadDataAsync(response);

        Assert.Equal(3, data.Count);
        Assert.Contains("\"role\":\"assistant\"", data[0]);
        Assert.Equal("[DONE]", data[2]);
        var error = JsonDocument.Parse(data[1]).RootElement.GetProperty("error");
        Assert.Equal("service_unavailable_error", error.GetProperty("type").GetString());
        Assert.Equal("queue_timeout", error.GetProperty("code").GetString());
    }
}
