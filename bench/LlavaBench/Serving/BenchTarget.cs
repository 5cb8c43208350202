using System.Net.Http.Headers;
using System.Text.Json;
using Llava.Engine.Generation;
using LlavaServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlavaBench.Serving;

/// <summary>
/// The server under test: either started in this process (Kestrel on a free loopback port, exactly as
/// <c>LlavaServer</c> runs it) or a running server at a URL. Either way it is driven only through HTTP;
/// <see cref="Engine"/> is exposed in-process for the engine-only timing that separates HTTP cost.
/// </summary>
public sealed class BenchTarget : IAsyncDisposable
{
    private readonly WebApplication? _app;

    private BenchTarget(WebApplication? app, HttpClient http, string modelId)
    {
        _app = app;
        Http = http;
        ModelId = modelId;
    }

    public HttpClient Http { get; }

    /// <summary>The model id the server serves (from <c>/v1/models</c>).</summary>
    public string ModelId { get; }

    /// <summary>The in-process server's engine; null for a remote server.</summary>
    public LlavaEngine? Engine => _app?.Services.GetRequiredService<EngineHost>().Engine;

    public static async Task<BenchTarget> StartAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        var app = ServerApp.Build([.. settings.ToArguments()], services =>
            // Per-request information logs would interleave with the progress lines.
            services.Configure<LoggerFilterOptions>(filter =>
            {
                filter.Rules.Clear();
                filter.MinLevel = LogLevel.Warning;
            }));
        try
        {
            await app.StartAsync(cancellationToken);
            var http = CreateClient(app.Urls.Single(), apiKey: null);
            await WaitUntilReadyAsync(http, ReadyPath, cancellationToken);
            return new BenchTarget(app, http, await ModelIdAsync(http, cancellationToken));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>A running LlavaServer: waits for its <c>/ready</c>.</summary>
    public static Task<BenchTarget> ConnectAsync(string url, string? apiKey, CancellationToken cancellationToken) =>
        ConnectAsync(url, apiKey, ReadyPath, cancellationToken);

    /// <summary>
    /// Another OpenAI-compatible server, such as llama.cpp's <c>llama-server</c>, which answers <c>/health</c> (200
    /// once its model is loaded) but has no <c>/ready</c>.
    /// </summary>
    public static Task<BenchTarget> ConnectPeerAsync(string url, CancellationToken cancellationToken) =>
        ConnectAsync(url, apiKey: null, "health", cancellationToken);

    private const string ReadyPath = "ready";

    private static async Task<BenchTarget> ConnectAsync(string url, string? apiKey, string readyPath, CancellationToken cancellationToken)
    {
        var http = CreateClient(url, apiKey);
        await WaitUntilReadyAsync(http, readyPath, cancellationToken);
        return new BenchTarget(null, http, await ModelIdAsync(http, cancellationToken));
    }

    private static HttpClient CreateClient(string url, string? apiKey)
    {
        // Stall detection is per request (no event for N seconds), so no overall timeout; every client keeps
        // its own connection.
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        var client = new HttpClient(handler)
        {
            BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, string readyPath, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(readyPath, cancellationToken);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new TimeoutException($"the server at {http.BaseAddress} did not answer /{readyPath} within 10 minutes");
    }

    private static async Task<string> ModelIdAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("v1/models", cancellationToken);
        response.EnsureSuccessStatusCode();
        using var models = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return models.RootElement.GetProperty("data")[0].GetProperty("id").GetString()
               ?? throw new InvalidOperationException("/v1/models returned a model without an id");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
