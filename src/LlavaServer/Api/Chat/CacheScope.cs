using LlavaServer.Api.Errors;
using LlavaServer.Hosting;

namespace LlavaServer.Api.Chat;

/// <summary>
/// The engine's cache salt for a request: the caller's API key (as its digest) and the request's own
/// <c>cache_salt</c> (vLLM's field). Requests of different keys never share cached prefixes or image features, so
/// neither timing nor cache counters tell one tenant what another sent; a tenant can split its own requests further.
/// </summary>
internal static class CacheScope
{
    public static string? For(HttpContext context, string? cacheSalt)
    {
        if (cacheSalt is { Length: 0 })
            throw ApiException.BadRequest("cache_salt must be a non-empty string when it is given.", "cache_salt");
        var key = CallerKey.Of(context);
        if (key is null && cacheSalt is null) return null;
        // The digest is empty or 64 hex digits, never a newline, so the first newline ends it: no two pairs collide.
        return (key is null ? "" : Convert.ToHexString(key.Digest)) + "\n" + cacheSalt;
    }
}
