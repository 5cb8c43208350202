using System.Net;
using System.Text;
using LlavaBench.Client;

namespace LlavaBench.Tests;

public class StreamingChatClientTests
{
    private const string RoleChunk = """{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}""";
    private const string FinishChunk = """{"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}""";
    private const string UsageChunk = """{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}""";

    private static string Text(string text) => $$"""{"choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}],"usage":null}""";

    private static string Wire(params string[] events) => string.Concat(events.Select(e => $"data: {e}\n\n"));

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public HttpRequestMessage? Last { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Last = request;
            return Task.FromResult(respond(request));
        }
    }

    /// <summary>A response body that never sends anything, like a server that hangs.</summary>
    private sealed class SilentStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    private static async Task<(RequestResult Result, StubHandler Handler, int Tokens)> Send(
        Func<HttpRequestMessage, HttpResponseMessage> respond, double timeoutSeconds = 30)
    {
        var handler = new StubHandler(respond);
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://bench.test/") };
        var tokens = 0;
        var result = await new StreamingChatClient(http, TimeSpan.FromSeconds(timeoutSeconds))
            .SendAsync("""{"stream":true}""", 1.5, () => tokens++, CancellationToken.None);
        return (result, handler, tokens);
    }

    private static HttpResponseMessage Sse(string wire) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(wire, Encoding.UTF8, "text/event-stream"),
    };

    [Fact]
    public async Task TimesTextChunksAndTakesTokenCountsFromUsage()
    {
        var (result, handler, tokens) = await Send(_ => Sse(Wire(RoleChunk, Text("Hel"), Text("lo"), FinishChunk, UsageChunk, "[DONE]")));

        Assert.Equal(RequestOutcome.Completed, result.Outcome);
        Assert.Equal(200, result.Status);
        Assert.Equal(7, result.PromptTokens);
        Assert.Equal(3, result.CompletionTokens);
        Assert.Equal(2, tokens);
        Assert.Single(result.InterTokenMs);
        Assert.NotNull(result.FirstTokenMs);
        Assert.True(result.LastTokenMs >= result.FirstTokenMs);
        Assert.Equal((result.LastTokenMs - result.FirstTokenMs) / 2, result.TimePerOutputTokenMs);
        Assert.Equal(1.5, result.SentAtSeconds);
        Assert.Equal(HttpMethod.Post, handler.Last!.Method);
        Assert.Equal("http://bench.test/v1/chat/completions", handler.Last.RequestUri!.ToString());
        Assert.Equal("application/json", handler.Last.Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AFinishWithoutTextStillGivesATimeToFirstToken()
    {
        var (result, _, tokens) = await Send(_ => Sse(Wire(RoleChunk, FinishChunk, UsageChunk, "[DONE]")));

        Assert.Equal(RequestOutcome.Completed, result.Outcome);
        Assert.Equal(0, tokens);
        Assert.NotNull(result.FirstTokenMs);
        Assert.Empty(result.InterTokenMs);
    }

    [Fact]
    public async Task QueueFullIsARejectionNotAFailure()
    {
        var (result, _, _) = await Send(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests));

        Assert.Equal(RequestOutcome.Rejected, result.Outcome);
        Assert.Equal(429, result.Status);
    }

    [Fact]
    public async Task AnHttpErrorFailsWithTheServersMessage()
    {
        var (result, _, _) = await Send(_ => new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("""{"error":{"message":"bad image"}}"""),
        });

        Assert.Equal(RequestOutcome.Failed, result.Outcome);
        Assert.Equal(400, result.Status);
        Assert.Contains("bad image", result.Error);
    }

    [Fact]
    public async Task AnErrorEventInTheStreamFails()
    {
        var (result, _, _) = await Send(_ => Sse(Wire(RoleChunk, Text("a"), """{"error":{"message":"Generation failed on the server."}}""", "[DONE]")));

        Assert.Equal(RequestOutcome.Failed, result.Outcome);
        Assert.Contains("Generation failed", result.Error);
    }

    [Fact]
    public async Task AStreamThatEndsEarlyOrWithoutUsageFails()
    {
        var (cut, _, _) = await Send(_ => Sse(Wire(RoleChunk, Text("a"))));
        Assert.Equal(RequestOutcome.Failed, cut.Outcome);
        Assert.Contains("before [DONE]", cut.Error);

        var (noUsage, _, _) = await Send(_ => Sse(Wire(RoleChunk, Text("a"), FinishChunk, "[DONE]")));
        Assert.Equal(RequestOutcome.Failed, noUsage.Outcome);
        Assert.Contains("usage", noUsage.Error);
    }

    [Fact]
    public async Task ASilentStreamIsAbandonedAsTimedOut()
    {
        var (result, _, _) = await Send(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new SilentStream()) },
            timeoutSeconds: 0.2);

        Assert.Equal(RequestOutcome.TimedOut, result.Outcome);
        Assert.Equal(200, result.Status);
    }
}
