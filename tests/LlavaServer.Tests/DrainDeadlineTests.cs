using System.Net;
using System.Text.Json;
using Llava.TestSupport;
using LlavaServer.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LlavaServer.Tests;

/// <summary>
/// At the drain deadline every request still running ends with <c>server_shutting_down</c> instead of a reset
/// connection: a stream with an error event and <c>[DONE]</c>, a non-streaming request with a 503 envelope. The engine
/// is held inside sampling (its fault-injection seam) until the server has stopped, so nothing here races the clock.
/// </summary>
public sealed class DrainDeadlineTests
{
    private const long HeldSeed = 4242;

    [Fact]
    public async Task RequestsStillRunningAtTheDeadlineEndWithServerShuttingDown()
    {
        using var hold = new SamplingHold(HeldSeed);
        await using var server = await hold.StartServerAsync(["--model", RepoPaths.FixtureModel, "--shutdown-drain-seconds", "1"]);
        try
        {
            using var client = server.CreateClient();
            var streamed = TestData.TextChat("Hello", 50, stream: true);
            streamed["seed"] = HeldSeed;
            using var stream = await Sse.PostStreamAsync(client, "/v1/chat/completions", TestData.Json(streamed));
            var events = await stream.Content.ReadAsStreamAsync();
            Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(events));
            await hold.Reached.WaitAsync(TimeSpan.FromMinutes(5));
            var plain = TestData.TextChat("Hello", 50);
            plain["seed"] = HeldSeed;
            var answer = client.PostAsync("/v1/chat/completions", TestData.Json(plain));
            var inFlight = server.App.Services.GetRequiredService<InFlightRequests>();
            Assert.True(await Eventually.TrueAsync(() => inFlight.Count == 2));

            var stopping = server.App.StopAsync();
            var rest = await new StreamReader(events).ReadToEndAsync();
            using var refused = await answer;

            var data = rest.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
            Assert.Equal(["[DONE]"], data[^1..]);
            var streamError = JsonDocument.Parse(data[^2]).RootElement.GetProperty("error");
            Assert.Equal(("server_error", "server_shutting_down"),
                (streamError.GetProperty("type").GetString(), streamError.GetProperty("code").GetString()));
            var error = await ErrorEnvelope.AssertAsync(refused, HttpStatusCode.ServiceUnavailable, "server_error");
            Assert.Equal("server_shutting_down", error.GetProperty("code").GetString());
            hold.Release();
            await stopping;
        }
        finally
        {
            hold.Release();
        }
    }
}
