using System.Net;
using LlavaServer.Hosting;

namespace LlavaServer.Cli;

/// <summary>
/// <c>LlavaServer healthcheck</c>: one GET of the server's <c>/health</c>; exit 0 on 200, 1 otherwise. It is the
/// container image's HEALTHCHECK, so the image needs no curl. The port is read from <c>Llava__Port</c> as the
/// server reads it, so the probe follows a port changed through the environment.
/// </summary>
public static class HealthCheckCommand
{
    /// <summary>The environment variable the server's port comes from in a container.</summary>
    public const string PortVariable = ServerOptions.Section + "__" + nameof(ServerOptions.Port);

    public const string Usage = $"""
        Usage: LlavaServer healthcheck [--url URL] [--timeout SEC]
          --url URL       what to probe (default http://127.0.0.1:${PortVariable}/health, port 8000 when unset)
          --timeout SEC   give up after this long (default 5)
        """;

    public static async Task<int> RunAsync(ArgumentReader args, TextWriter output)
    {
        var url = args.String("url") ?? DefaultUrl(Environment.GetEnvironmentVariable(PortVariable));
        var timeout = args.Double("timeout") ?? 5;
        args.EnsureAllUsed();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"--url: '{url}' is not an http(s) URL");
        if (timeout <= 0) throw new CliException("--timeout must be positive");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(timeout) };
        try
        {
            using var response = await http.GetAsync(uri);
            await output.WriteLineAsync($"{uri}: {(int)response.StatusCode}");
            return response.StatusCode == HttpStatusCode.OK ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{uri}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The probe URL for the port setting as found in the environment (null or blank: the server's default).</summary>
    public static string DefaultUrl(string? port) =>
        $"http://127.0.0.1:{(string.IsNullOrWhiteSpace(port) ? new ServerOptions().Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : port.Trim())}/health";
}
