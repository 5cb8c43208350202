using System.Net.Http.Headers;
using Llava.Engine.Generation;
using LlavaServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LlavaServer.TestHost;

/// <summary>
/// The real server — Kestrel on a free loopback port — started in-process and ready (model loaded and warm), for
/// tests that talk to it over HTTP as clients do.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private LoopbackServer(WebApplication app, string? apiKey)
    {
        App = app;
        BaseUrl = app.Urls.Single();
        ApiKey = apiKey;
    }

    public WebApplication App { get; }
    public string BaseUrl { get; }

    /// <summary>The key <see cref="CreateClient"/> sends, when the server requires one.</summary>
    public string? ApiKey { get; }

    public LlavaEngine Engine => App.Services.GetRequiredService<EngineHost>().Engine
        ?? throw new InvalidOperationException("the engine is not ready");

    /// <param name="flags">Server flags (model, limits, keys); the address is added here.</param>
    public static async Task<LoopbackServer> StartAsync(IEnumerable<string> flags, string? apiKey = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var app = ServerApp.Build([.. flags, "--host", "127.0.0.1", "--port", "0"], configureServices);
        await app.StartAsync();
        var server = new LoopbackServer(app, apiKey);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <param name="abandonAtOnce">
    /// Close the connection as soon as a response is disposed unread; by default HttpClient first drains it
    /// for up to two seconds to reuse the connection, so the server would see the disconnect late.
    /// </param>
    public HttpClient CreateClient(bool abandonAtOnce = false)
    {
        var handler = new SocketsHttpHandler();
        if (abandonAtOnce) handler.MaxResponseDrainSize = 0;
        // The timeout bounds a hang, not the machine's speed: a long stream on a loaded machine takes minutes.
        var client = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(10) };
        if (ApiKey is { } key) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var probe = CreateClient();
        // Ten minutes bound a hang; loading and warming up take seconds on an idle machine, far more on a loaded one.
        for (var attempt = 0; attempt < 6000; attempt++)
        {
            using var response = await probe.GetAsync("/ready");
            if (response.IsSuccessStatusCode) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the server did not become ready");
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
