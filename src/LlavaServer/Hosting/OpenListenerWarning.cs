using System.Net;

namespace LlavaServer.Hosting;

/// <summary>
/// Warns at start-up when anyone on the network can use the server: it listens beyond loopback and has no API key.
/// That is the default (0.0.0.0, as in a container), so it is a warning, not an error.
/// </summary>
public static class OpenListenerWarning
{
    public static void LogIfOpen(ILogger logger, ServerOptions options)
    {
        if (options.ApiKeys.Count > 0 || IsLoopback(options.Host)) return;
        logger.LogWarning(
            "Listening on {Host} without an API key: anyone who can reach port {Port} can use the model. " +
            "Set --api-key (or LLAVA_API_KEY), or listen on 127.0.0.1.", options.Host, options.Port);
    }

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
