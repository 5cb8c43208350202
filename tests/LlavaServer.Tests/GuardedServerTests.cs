using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace LlavaServer.Tests;

/// <summary>API keys, the body size limit, and the SSRF guard on remote images.</summary>
[Collection(nameof(GuardedServer))]
public class GuardedServerTests(GuardedServer server)
{
    private static JsonObject Hello() =>
        TestData.TextChat("Hello", 2);

    private async Task<HttpResponseMessage> PostWithKeyAsync(string? key)
    {
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await client.PostAsync("/v1/chat/completions", TestData.Json(Hello()));
    }

    [Fact]
    public async Task MissingOrWrongKeyIs401()
    {
        using var missing = await PostWithKeyAsync(null);
        var error = await ErrorEnvelope.AssertAsync(missing, HttpStatusCode.Unauthorized, "authentication_error");
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = await PostWithKeyAsync(GuardedServer.FirstKey + "x");
        await ErrorEnvelope.AssertAsync(wrong, HttpStatusCode.Unauthorized, "authentication_error");

        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", GuardedServer.FirstKey);
        using var wrongScheme = await client.PostAsync("/v1/chat/completions", TestData.Json(Hello()));
        await ErrorEnvelope.AssertAsync(wrongScheme, HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task EveryConfiguredKeyIsAccepted()
    {
        using var first = await PostWithKeyAsync(GuardedServer.FirstKey);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await PostWithKeyAsync(GuardedServer.SecondKey);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/ready")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    public async Task ProbesMetricsAndDocsNeedNoKey(string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/tokenize")]
    public async Task OtherEndpointsNeedTheKey(string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var response = path == "/tokenize"
            ? await client.PostAsync(path, TestData.Json("""{"prompt": "Hi"}"""))
            : await client.GetAsync(path);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task BodyOverTheLimitIs413()
    {
        var big = new string('a', GuardedServer.BodyLimit + 1000);
        var body = TestData.Chat(new JsonArray(new JsonObject { ["role"] = "user", ["content"] = big }), 2);
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimitIs413()
    {
        var big = new string('a', GuardedServer.BodyLimit + 1000);
        var json = TestData.Chat(new JsonArray(new JsonObject { ["role"] = "user", ["content"] = big }), 2).ToJsonString();
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await server.Http.SendAsync(request);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error");
    }

    /// <summary>
    /// Each URL names an allowed host that resolves (or is) a loopback address. A loopback listener stands
    /// where the image would be fetched from; the guard must refuse before connecting to it.
    /// </summary>
    [Theory]
    [InlineData("http://localhost:{0}/cat.png")]
    [InlineData("http://127.0.0.1:{0}/cat.png")]
    [InlineData("http://[::1]:{0}/cat.png")]
    public async Task AllowedHostsThatResolveToLoopbackAreNeverFetched(string urlFormat)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, urlFormat, port);

        var body = TestData.Chat(new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } }),
        }), 2);
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));

        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "messages[0].content[0].image_url.url");
        Assert.Contains("non-public address", error.GetProperty("message").GetString());
        Assert.False(listener.Pending(), "the server connected to a loopback address");
    }

    [Fact]
    public async Task HostsOffTheAllowListAreRefused()
    {
        var body = TestData.Chat(new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "http://10.0.0.7/cat.png" } }),
        }), 2);
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "messages[0].content[0].image_url.url");
        Assert.Contains("allowed media domains", error.GetProperty("message").GetString());
    }
}
