using System.Security.Cryptography;
using System.Text;
using LlavaServer.Api.Errors;

namespace LlavaServer.Hosting;

/// <summary>
/// When API keys are configured, every request but the probes, the metrics scrape (unless
/// <see cref="ServerOptions.MetricsRequireKey"/>) and the API documentation needs <c>Authorization: Bearer KEY</c>
/// with one of them; the request then carries the key's <see cref="CallerKey"/>. The playground's static files are
/// served before this runs (<see cref="PlaygroundFiles"/>), so the page itself stays open.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ServerOptions options)
{
    private readonly string[] _openPrefixes = options.MetricsRequireKey
        ? ["/health", "/ready", "/openapi", "/swagger"]
        : ["/health", "/ready", "/metrics", "/openapi", "/swagger"];

    // Hashing first makes every comparison the same length, so timing says nothing about the keys.
    private readonly byte[][] _keyHashes = options.ApiKeys.Select(Hash).ToArray();

    public Task InvokeAsync(HttpContext context)
    {
        if (_keyHashes.Length == 0 || IsOpen(context.Request.Path)) return next(context);
        if (Authorized(context.Request.Headers.Authorization.ToString()) is { } caller)
        {
            context.Features.Set(caller);
            return next(context);
        }

        throw new ApiException(StatusCodes.Status401Unauthorized,
            "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.",
            ErrorTypes.Authentication, code: "invalid_api_key");
    }

    private bool IsOpen(PathString path) =>
        _openPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    private CallerKey? Authorized(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var presented = Hash(header[scheme.Length..].Trim());
        var match = false;
        foreach (var key in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(presented, key);
        return match ? new CallerKey(presented) : null;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
