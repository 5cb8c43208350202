using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Generation;
using Llava.TestSupport;
using LlavaServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlavaServer.Tests;

/// <summary>Start-up before the model is ready, and graceful shutdown with a stream in flight.</summary>
public class LifecycleTests
{
    private static readonly string[] Flags = ["--model", RepoPaths.FixtureModel, "--host", "127.0.0.1", "--port", "0", "--max-model-len", "512"];

    [Fact]
    public async Task UntilTheModelIsLoadedHealthIsOkButReadyAndTheApiAre503()
    {
        var gate = new TaskCompletionSource();
        await using var app = ServerApp.Build(Flags, services => services.AddSingleton<EngineLoader>((options, logger) =>
        {
            gate.Task.Wait();
            return LlavaEngine.Load(options, logger);
        }));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using (var health = await client.GetAsync("/health")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var ready = await client.GetAsync("/ready"))
        {
            await ErrorEnvelope.AssertAsync(ready, HttpStatusCode.ServiceUnavailable, "service_unavailable_error");
            Assert.NotNull(ready.Headers.RetryAfter);
        }
        using (var chat = await client.PostAsync("/v1/chat/completions",
                   TestData.Json(TestData.TextChat("Hi", 2))))
        {
            await ErrorEnvelope.AssertAsync(chat, HttpStatusCode.ServiceUnavailable, "service_unavailable_error");
        }

        gate.SetResult();
        Assert.True(await Eventually.TrueAsync(() => client.GetAsync("/ready").Result.StatusCode == HttpStatusCode.OK));
        await app.StopAsync();
    }

    [Fact]
    public async Task StoppingLetsTheInFlightStreamFinishThenRefusesConnections()
    {
        // An hour of drain: the stream finishes however slow the machine is.
        await using var app = ServerApp.Build([.. Flags, "--shutdown-drain-seconds", "3600"]);
        await app.StartAsync();
        var url = app.Urls.Single();
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        Assert.True(await Eventually.TrueAsync(() => client.GetAsync("/ready").Result.StatusCode == HttpStatusCode.OK));

        var body = TestData.Chat(new JsonArray(TestData.UserMessage("Count the shapes.", "landscape_640x480.png")), 200, stream: true);
        body["ignore_eos"] = true;
        using var response = await Sse.PostStreamAsync(client, "/v1/chat/completions", TestData.Json(body));
        var stream = await response.Content.ReadAsStreamAsync();
        Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(stream));

        var stopping = app.StopAsync();
        var rest = await new StreamReader(stream).ReadToEndAsync();
        await stopping;

        Assert.EndsWith("data: [DONE]\n\n", rest);
        var chunks = rest.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).SkipLast(1)
            .Select(f => JsonDocument.Parse(f["data: ".Length..]).RootElement.GetProperty("choices")[0]).ToList();
        Assert.Equal("length", chunks[^1].GetProperty("finish_reason").GetString());
        await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient().GetAsync(url + "/health"));
    }
}
