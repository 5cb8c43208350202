using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>The real process: SIGTERM mid-stream lets the stream finish, then the server exits with 0.</summary>
public partial class SigtermTests
{
    [Fact]
    public async Task SigtermDrainsTheStreamAndExitsZero()
    {
        var server = Path.Combine(AppContext.BaseDirectory, "LlavaServer.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { server, "--model", RepoPaths.FixtureModel, "--host", "127.0.0.1", "--port", "0", "--max-model-len", "2048" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (ListeningRegex().Match(e.Data) is { Success: true } match) listening.TrySetResult(match.Groups[1].Value);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            Assert.True(await Eventually.TrueAsync(() => client.GetAsync("/ready").Result.StatusCode == HttpStatusCode.OK, 120));

            var body = TestData.TextChat("Hello", 1900, stream: true);
            body["ignore_eos"] = true;
            using var response = await Sse.PostStreamAsync(client, "/v1/chat/completions", TestData.Json(body));
            var stream = await response.Content.ReadAsStreamAsync();
            Assert.Contains("\"role\":\"assistant\"", await Sse.ReadOneEventAsync(stream));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            var rest = await new StreamReader(stream).ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            Assert.EndsWith("data: [DONE]\n\n", rest);
            Assert.Contains("\"finish_reason\":\"length\"", rest);
            Assert.True(process.ExitCode == 0, string.Join("\n", output));
            // The tiny model is fast: without this the stream could have ended before the signal, draining nothing.
            Assert.Contains(output, line => line.Contains("for 1 in-flight request(s)", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningRegex();
}
