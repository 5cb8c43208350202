using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>
/// The real process on SIGTERM: running requests get the drain time to finish, whatever is still running at its end
/// gets a <c>server_shutting_down</c> error, and the server exits with 0. The waits here only bound a hang: neither
/// test needs the machine to be fast.
/// </summary>
public partial class SigtermTests
{
    /// <summary>An hour of drain: the stream finishes however slow the machine is.</summary>
    [Fact]
    public async Task SigtermDrainsTheStreamAndExitsZero()
    {
        await using var server = await ServerProcess.StartAsync("--shutdown-drain-seconds", "3600");
        using var response = await Sse.PostStreamAsync(server.Client, "/v1/chat/completions", TestData.Json(TestData.SlotHoldingStream()));
        var stream = await response.Content.ReadAsStreamAsync();
        Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(stream));

        server.Terminate();
        var rest = await new StreamReader(stream).ReadToEndAsync();
        var exitCode = await server.ExitCodeAsync();

        Assert.EndsWith("data: [DONE]\n\n", rest);
        Assert.Contains("\"finish_reason\":\"length\"", rest);
        Assert.True(exitCode == 0, server.Output);
        // The stream runs ~1900 steps after its first event: the signal came while it was still running.
        Assert.Contains("for 1 in-flight request(s)", server.Output);
    }

    /// <summary>
    /// One decode slot, held by a long stream; behind it a second stream and a non-streaming request that cannot
    /// finish before the first one's ~1900 tokens and their own, far beyond the one-second drain.
    /// </summary>
    [Fact]
    public async Task AtTheDrainDeadlineStreamsGetAnErrorEventRequestsA503AndTheServerExitsZero()
    {
        await using var server = await ServerProcess.StartAsync("--shutdown-drain-seconds", "1", "--max-num-seqs", "1");
        using var holder = await Sse.PostStreamAsync(server.Client, "/v1/chat/completions", TestData.Json(TestData.SlotHoldingStream()));
        var holderEvents = await holder.Content.ReadAsStreamAsync();
        Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(holderEvents));
        using var queued = await Sse.PostStreamAsync(server.Client, "/v1/chat/completions", TestData.Json(TestData.SlotHoldingStream()));
        var queuedEvents = await queued.Content.ReadAsStreamAsync();
        Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(queuedEvents));
        var plain = TestData.SlotHoldingStream();
        plain.Remove("stream");
        var answer = server.Client.PostAsync("/v1/chat/completions", TestData.Json(plain));
        // The two requests above and the status request itself.
        Assert.True(await Eventually.TrueAsync(() => server.InFlight() >= 3 + 1));

        server.Terminate();
        var holderRest = await new StreamReader(holderEvents).ReadToEndAsync();
        var queuedRest = await new StreamReader(queuedEvents).ReadToEndAsync();
        using var refused = await answer;
        var exitCode = await server.ExitCodeAsync();

        Assert.EndsWith("data: [DONE]\n\n", holderRest);
        var data = queuedRest.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal("data: [DONE]", data[^1]);
        var streamError = JsonDocument.Parse(data[^2]["data: ".Length..]).RootElement.GetProperty("error");
        Assert.Equal(("server_error", "server_shutting_down"),
            (streamError.GetProperty("type").GetString(), streamError.GetProperty("code").GetString()));
        var error = await ErrorEnvelope.AssertAsync(refused, HttpStatusCode.ServiceUnavailable, "server_error");
        Assert.Equal("server_shutting_down", error.GetProperty("code").GetString());
        Assert.True(exitCode == 0, server.Output);
    }

    /// <summary><c>dotnet LlavaServer.dll</c> on the fixture model and a free port, ready, with a client and its output.</summary>
    private sealed partial class ServerProcess : IAsyncDisposable
    {
        private static readonly TimeSpan HangBound = TimeSpan.FromMinutes(10);
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();

        private ServerProcess(Process process) => _process = process;

        public HttpClient Client { get; private set; } = null!;

        public string Output => string.Join("\n", _output);

        public static async Task<ServerProcess> StartAsync(params string[] flags)
        {
            var server = Path.Combine(AppContext.BaseDirectory, "LlavaServer.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { server, "--model", RepoPaths.FixtureModel, "--host", "127.0.0.1", "--port", "0", "--max-model-len", "2048" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var flag in flags) start.ArgumentList.Add(flag);
            var started = new ServerProcess(Process.Start(start)!);
            await started.ListenAsync();
            return started;
        }

        private async Task ListenAsync()
        {
            var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                _output.Enqueue(e.Data);
                if (ListeningRegex().Match(e.Data) is { Success: true } match) listening.TrySetResult(match.Groups[1].Value);
            };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 })
            {
                BaseAddress = new Uri(await listening.Task.WaitAsync(HangBound)),
                Timeout = HangBound,
            };
            Assert.True(await Eventually.TrueAsync(() => Client.GetAsync("/ready").Result.StatusCode == HttpStatusCode.OK));
        }

        /// <summary>HTTP requests the server is handling, from <c>/v1/status</c> (which counts itself).</summary>
        public int InFlight()
        {
            using var response = Client.GetAsync("/v1/status").Result;
            return JsonDocument.Parse(response.Content.ReadAsStringAsync().Result).RootElement
                .GetProperty("requests").GetProperty("in_flight_http").GetInt32();
        }

        public void Terminate()
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async Task<int> ExitCodeAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(HangBound);
            return _process.ExitCode;
        }

        public ValueTask DisposeAsync()
        {
            Client?.Dispose();
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
            return ValueTask.CompletedTask;
        }

        [GeneratedRegex(@"Now listening on: (http://\S+)")]
        private static partial Regex ListeningRegex();
    }
}
