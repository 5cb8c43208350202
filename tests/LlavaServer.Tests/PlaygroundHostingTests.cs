using System.Net;

namespace LlavaServer.Tests;

/// <summary>
/// The playground's files are served without a key on a server that requires one; the API, the status
/// endpoint included, still needs the key, and unknown routes still get the 404 envelope.
/// </summary>
[Collection(nameof(GuardedServer))]
public sealed class PlaygroundHostingTests(GuardedServer server) : IDisposable
{
    private readonly HttpClient _anonymous = new() { BaseAddress = new Uri(server.BaseUrl) };

    public void Dispose() => _anonymous.Dispose();

    [Fact]
    public async Task TheRootServesThePageWithoutAKey()
    {
        using var response = await _anonymous.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("""<script type="module" src="js/app.js"></script>""", await response.Content.ReadAsStringAsync());
        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'self';", policy);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
    }

    [Theory]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/css/app.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task AssetsNeedNoKey(string path, string mediaType)
    {
        using var response = await _anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("/v1/status")]
    [InlineData("/js/missing.js")]
    public async Task EverythingElseNeedsTheKey(string path)
    {
        using var response = await _anonymous.GetAsync(path);

        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task WithTheKeyTheStatusAnswersAndUnknownRoutesGetThe404Envelope()
    {
        using var status = await server.Http.GetAsync("/v1/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);

        using var missing = await server.Http.GetAsync("/v1/no-such-route");
        var error = await ErrorEnvelope.AssertAsync(missing, HttpStatusCode.NotFound, "not_found_error");
        Assert.Equal("Route GET /v1/no-such-route not found.", error.GetProperty("message").GetString());
    }
}
