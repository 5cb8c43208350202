using System.Net;
using System.Net.Sockets;
using System.Text;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Images;
using LlavaServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;

namespace LlavaServer.Tests;

/// <summary>
/// The fetcher's own rules — size limit, timeout, redirects re-checked hop by hop, every resolved address
/// checked — against an image server on 127.0.0.1. Only these tests widen the address policy, and only
/// to 127.0.0.1 itself.
/// </summary>
public sealed class RemoteImageFetcherTests : IAsyncLifetime
{
    private static readonly byte[] Png = TestData.ImageBytes("tiny_10x7.png");
    private WebApplication _images = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _images = builder.Build();
        _images.MapGet("/cat.png", () => Results.Bytes(Png, "image/png"));
        _images.MapGet("/big.png", () => Results.Bytes(new byte[5000], "image/png"));
        _images.MapGet("/big-chunked.png", async (HttpContext context) =>
        {
            context.Response.ContentType = "image/png";
            for (var i = 0; i < 5; i++)
            {
                await context.Response.Body.WriteAsync(new byte[1000]);
                await context.Response.Body.FlushAsync();
            }
        });
        _images.MapGet("/slow.png", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            return Results.Bytes(Png, "image/png");
        });
        _images.MapGet("/missing.png", () => Results.NotFound());
        _images.MapGet("/to-cat", () => Results.Redirect("/cat.png"));
        _images.MapGet("/to-other-host", () => Results.Redirect("http://not-allowed.invalid/cat.png"));
        _images.MapGet("/to-ipv6-loopback", (HttpContext c) => Results.Redirect($"http://[::1]:{c.Request.Host.Port}/cat.png"));
        _images.MapGet("/loop", () => Results.Redirect("/loop"));
        await _images.StartAsync();
        _base = new Uri(_images.Urls.Single());
    }

    public async Task DisposeAsync() => await _images.DisposeAsync();

    private static RemoteImageFetcher Fetcher(params string[] hosts) => new(
        new ServerOptions { AllowedMediaDomains = [.. hosts], MaxImageBytes = 4096, MediaFetchTimeoutSeconds = 5 },
        address => address.Equals(IPAddress.Loopback));

    private async Task<byte[]> FetchAsync(string path, params string[] hosts)
    {
        using var fetcher = Fetcher(hosts.Length == 0 ? ["127.0.0.1", "[::1]"] : hosts);
        return await fetcher.FetchAsync(new Uri(_base, path), "url", CancellationToken.None);
    }

    [Fact]
    public async Task FetchesAnAllowedImage() => Assert.Equal(Png, await FetchAsync("/cat.png"));

    [Fact]
    public async Task FollowsARedirectOnTheSameHost() => Assert.Equal(Png, await FetchAsync("/to-cat"));

    [Theory]
    [InlineData("/big.png", "larger than 4096 bytes")]
    [InlineData("/big-chunked.png", "larger than 4096 bytes")]
    [InlineData("/slow.png", "timed out")]
    [InlineData("/missing.png", "answered 404")]
    [InlineData("/to-other-host", "not in this server's allowed media domains")]
    [InlineData("/to-ipv6-loopback", "non-public address")]
    [InlineData("/loop", "redirected more than 3 times")]
    public async Task RefusesWithAReason(string path, string reason)
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => FetchAsync(path));
        Assert.Equal(400, error.Status);
        Assert.Equal("url", error.Param);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task HostMustBeOnTheAllowList()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => FetchAsync("/cat.png", "images.example.com"));
        Assert.Contains("allowed media domains", error.Message);
    }

    [Fact]
    public async Task WildcardsMatchSubdomainsAndStar()
    {
        using var wildcard = Fetcher("*.example.com");
        var error = await Assert.ThrowsAsync<ApiException>(() => wildcard.FetchAsync(new Uri(_base, "/cat.png"), "url", CancellationToken.None));
        Assert.Contains("allowed media domains", error.Message);

        using var any = Fetcher("*");
        Assert.Equal(Png, await any.FetchAsync(new Uri(_base, "/cat.png"), "url", CancellationToken.None));
    }

    [Fact]
    public async Task RefusalsDoNotTellWhereANameResolves()
    {
        using var fetcher = new RemoteImageFetcher(
            new ServerOptions { AllowedMediaDomains = ["localhost"], MediaFetchTimeoutSeconds = 5 }, _ => false);
        var url = new UriBuilder(_base) { Host = "localhost", Path = "/cat.png" }.Uri;
        var error = await Assert.ThrowsAsync<ApiException>(() => fetcher.FetchAsync(url, "url", CancellationToken.None));
        Assert.Equal(400, error.Status);
        Assert.Contains("'localhost' resolves to a non-public address", error.Message);
        foreach (var address in await Dns.GetHostAddressesAsync("localhost"))
            Assert.DoesNotContain(address.ToString(), error.Message);
    }

    [Theory]
    [InlineData("https://images.example.com/a.png", "/b.png", "https://images.example.com/b.png")]
    [InlineData("https://images.example.com/a.png", "https://cdn.example.com/b.png", "https://cdn.example.com/b.png")]
    [InlineData("http://images.example.com/a.png", "https://images.example.com/b.png", "https://images.example.com/b.png")]
    [InlineData("http://images.example.com/a.png", "http://cdn.example.com/b.png", "http://cdn.example.com/b.png")]
    public void RedirectsKeepOrUpgradeTheScheme(string from, string location, string expected) =>
        Assert.Equal(new Uri(expected), RemoteImageFetcher.RedirectTarget(new Uri(from), new Uri(location, UriKind.RelativeOrAbsolute), "url"));

    [Theory]
    [InlineData("http://images.example.com/b.png")]
    [InlineData("HTTP://images.example.com/b.png")]
    public void RedirectsNeverDowngradeHttpsToHttp(string location)
    {
        var from = new Uri("https://images.example.com/a.png");
        var error = Assert.Throws<ApiException>(() =>
            RemoteImageFetcher.RedirectTarget(from, new Uri(location, UriKind.RelativeOrAbsolute), "url"));
        Assert.Equal(400, error.Status);
        Assert.Contains("from https", error.Message);
    }

    /// <summary>
    /// A sender that promises more than it delivers, then closes the connection cleanly: a Content-Length larger than
    /// the body, or a chunked body without its last chunk. Kestrel would not send either, so a raw socket does.
    /// </summary>
    [Theory]
    [InlineData("Content-Length: 3000\r\n\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\nbb8\r\n")]
    public async Task ABodyThatEndsEarlyIs400(string framing)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[4096];
            var read = 0;
            while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n"))
                read += await stream.ReadAsync(request.AsMemory(read));
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n" + framing));
            await stream.WriteAsync(Png.AsMemory(0, Png.Length / 2));
            client.Client.Shutdown(SocketShutdown.Send);
        });

        using var fetcher = Fetcher("127.0.0.1");
        var error = await Assert.ThrowsAsync<ApiException>(() =>
            fetcher.FetchAsync(new Uri($"http://127.0.0.1:{port}/cat.png"), "url", CancellationToken.None));
        await serve;
        Assert.Equal(400, error.Status);
        Assert.Contains("ended before the whole image arrived", error.Message);
    }
}
