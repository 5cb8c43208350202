using System.Net;
using System.Text;
using Llava.Training.InstructGen;

namespace Llava.Training.Tests;

public sealed class ChatEndpointClientTests
{
    /// <summary>Answers each request with the next scripted response and records what it was sent.</summary>
    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        private int _next;
        public List<string> Bodies { get; } = [];
        public List<string?> Authorizations { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            Authorizations.Add(request.Headers.Authorization?.ToString());
            return responses[Math.Min(_next++, responses.Length - 1)]();
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Completion(string content) =>
        Json(HttpStatusCode.OK, "{\"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"" + content + "\"}}]}");

    private static ChatEndpointClient Client(ScriptedHandler handler, int retries = 2) =>
        new(new HttpClient(handler), new ChatEndpointOptions
        {
            BaseUrl = "http://example.test/v1/", Model = "m", ApiKey = "sk-test", MaxRetries = retries, RetryDelay = TimeSpan.FromMilliseconds(1),
        });

    [Fact]
    public async Task Sends_the_model_messages_and_key_and_returns_the_content()
    {
        var handler = new ScriptedHandler(() => Completion("Hello."));
        var content = await Client(handler).CompleteAsync([("system", "Be brief."), ("user", "Hi")]);
        Assert.Equal("Hello.", content);
        Assert.Equal("Bearer sk-test", handler.Authorizations.Single());
        Assert.Contains("\"model\":\"m\"", handler.Bodies.Single());
        Assert.Contains("{\"role\":\"system\",\"content\":\"Be brief.\"}", handler.Bodies.Single());
    }

    [Fact]
    public async Task Retries_server_errors_rate_limits_and_unreadable_bodies()
    {
        var handler = new ScriptedHandler(
            () => Json(HttpStatusCode.InternalServerError, "{}"),
            () => Json(HttpStatusCode.TooManyRequests, "{}"),
            () => Json(HttpStatusCode.OK, "<html>proxy error</html>"),
            () => Completion("Fine."));
        Assert.Equal("Fine.", await Client(handler, retries: 3).CompleteAsync([("user", "Hi")]));
        Assert.Equal(4, handler.Bodies.Count);
    }

    [Fact]
    public async Task Gives_up_after_the_retries_with_the_last_error()
    {
        var handler = new ScriptedHandler(() => Json(HttpStatusCode.OK, """{"choices": []}"""));
        var error = await Assert.ThrowsAsync<ChatEndpointException>(() => Client(handler, retries: 2).CompleteAsync([("user", "Hi")]));
        Assert.Equal(3, handler.Bodies.Count);
        Assert.Contains("no choices[0].message.content", error.Message);
    }

    [Fact]
    public async Task Does_not_retry_a_request_the_server_refuses()
    {
        var handler = new ScriptedHandler(() => Json(HttpStatusCode.Unauthorized, """{"error": {"message": "bad key"}}"""));
        var error = await Assert.ThrowsAsync<ChatEndpointException>(() => Client(handler).CompleteAsync([("user", "Hi")]));
        Assert.Single(handler.Bodies);
        Assert.Contains("401", error.Message);
    }
}
