using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LlavaServer.Cli;

namespace LlavaServer.Tests;

/// <summary><c>LlavaServer healthcheck</c>, the container HEALTHCHECK: exit 0 only for a 200 from the probed URL.</summary>
[Collection(nameof(ApiServer))]
public class HealthCheckCommandTests(ApiServer server)
{
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var exitCode = await HealthCheckCommand.RunAsync(new ArgumentReader(args), output);
        return (exitCode, output.ToString());
    }

    [Fact]
    public async Task HealthyServerExitsZero()
    {
        var (exitCode, output) = await RunAsync("--url", server.BaseUrl + "/health");
        Assert.Equal(0, exitCode);
        Assert.Contains(": 200", output);
    }

    [Fact]
    public async Task AnswerOtherThanOkExitsOne()
    {
        var (exitCode, output) = await RunAsync("--url", server.BaseUrl + "/no-such-route");
        Assert.Equal(1, exitCode);
        Assert.Contains(": 404", output);
    }

    [Fact]
    public async Task NothingListeningExitsOne()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exitCode, _) = await RunAsync("--url", $"http://127.0.0.1:{port}/health", "--timeout", "5");
        Assert.Equal(1, exitCode);
    }

    [Theory]
    [InlineData(null, "http://127.0.0.1:8000/health")]
    [InlineData(" ", "http://127.0.0.1:8000/health")]
    [InlineData("9100", "http://127.0.0.1:9100/health")]
    public void DefaultUrlFollowsThePortVariable(string? port, string expected) =>
        Assert.Equal(expected, HealthCheckCommand.DefaultUrl(port));

    [Theory]
    [InlineData("--url", "not a url")]
    [InlineData("--url", "ftp://127.0.0.1/health")]
    [InlineData("--timeout", "0")]
    [InlineData("--verbose", "1")]
    public async Task BadArgumentsAreRefused(string flag, string value) =>
        await Assert.ThrowsAsync<CliException>(() => RunAsync(flag, value));

    [Fact]
    public async Task TheExecutableRunsItAsASubcommand()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "LlavaServer.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "healthcheck", "--url", server.BaseUrl + "/health" },
            RedirectStandardOutput = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        // Bounds a hang only: starting a process on a loaded machine takes long.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(0, process.ExitCode);
        Assert.Contains(": 200", output);
    }
}
