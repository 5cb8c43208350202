using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace LlavaServer.Tests;

/// <summary>
/// Tenants (API keys) and <c>cache_salt</c> scopes share no cached prefixes or image features, so one cannot learn
/// through timing or cache counters what another sent; the same key and salt still reuse everything.
/// </summary>
[Collection(nameof(TenantServer))]
public class CacheIsolationTests(TenantServer server)
{
    /// <summary>What one request reused: prefix-cache hits and image-cache hits it added.</summary>
    private async Task<(long PrefixHits, long ImageHits)> ReusedByAsync(string key, string? cacheSalt = null)
    {
        var body = TestData.Chat(new JsonArray(TestData.UserMessage("Describe this photo in detail.", "landscape_640x480.png")), 2);
        if (cacheSalt is not null) body["cache_salt"] = cacheSalt;
        var before = server.Engine.GetStats();
        using var response = await PostAsync(key, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = server.Engine.GetStats();
        return (after.PrefixCacheHits - before.PrefixCacheHits, after.ImageCacheHits - before.ImageCacheHits);
    }

    private async Task<HttpResponseMessage> PostAsync(string key, JsonObject body)
    {
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await client.PostAsync("/v1/chat/completions", TestData.Json(body));
    }

    [Fact]
    public async Task AnotherKeyGetsNoHitFromTheFirstKeysImageAndPrompt()
    {
        await ReusedByAsync(TenantServer.FirstKey, "isolation-by-key");
        Assert.Equal((0, 0), await ReusedByAsync(TenantServer.SecondKey, "isolation-by-key"));
        Assert.Equal((1, 0), await ReusedByAsync(TenantServer.FirstKey, "isolation-by-key"));
        Assert.Equal((1, 0), await ReusedByAsync(TenantServer.SecondKey, "isolation-by-key"));
    }

    [Fact]
    public async Task OnlyTheSameCacheSaltReusesTheCache()
    {
        await ReusedByAsync(TenantServer.FirstKey, "salt-one");
        Assert.Equal((0, 0), await ReusedByAsync(TenantServer.FirstKey, "salt-two"));
        Assert.Equal((1, 0), await ReusedByAsync(TenantServer.FirstKey, "salt-one"));
    }

    [Fact]
    public async Task AnEmptyCacheSaltIsRefused()
    {
        var body = TestData.TextChat("Hello", 2);
        body["cache_salt"] = "";
        using var response = await PostAsync(TenantServer.FirstKey, body);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "cache_salt");
    }

    [Fact]
    public async Task MetricsNeedAKeyWhenTheServerSaysSo()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var refused = await anonymous.GetAsync("/metrics");
        await ErrorEnvelope.AssertAsync(refused, HttpStatusCode.Unauthorized, "authentication_error");
        using (var health = await anonymous.GetAsync("/health")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var scraped = await server.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("llava_engine_prefix_cache_hits", await scraped.Content.ReadAsStringAsync());
    }

    /// <summary>DNS rebinding: a page whose name now resolves to this server still sends its own name as Host.</summary>
    [Theory]
    [InlineData("attacker.example", HttpStatusCode.BadRequest)]
    [InlineData("llava.example.com", HttpStatusCode.OK)]
    public async Task OnlyAllowedHostHeadersAreAnswered(string host, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Host = host;
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }
}
