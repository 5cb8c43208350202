namespace LlavaServer.Hosting;

/// <summary>
/// The API key a request authenticated with, as its SHA-256 digest: enough to tell tenants apart (their caches are
/// kept apart by it) without the key itself travelling further than <see cref="ApiKeyMiddleware"/>.
/// </summary>
public sealed record CallerKey(byte[] Digest)
{
    /// <summary>Null when the server has no API keys or the path needs none.</summary>
    public static CallerKey? Of(HttpContext context) => context.Features.Get<CallerKey>();
}
