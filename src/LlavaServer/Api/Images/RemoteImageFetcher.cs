using System.Net;
using System.Net.Sockets;
using LlavaServer.Api.Errors;
using LlavaServer.Hosting;

namespace LlavaServer.Api.Images;

/// <summary>
/// Fetches <c>http(s)</c> images for hosts on the allow-list, guarding against SSRF: the host name is
/// resolved here, every address it resolves to must be public, and the connection goes to one of those
/// checked addresses (so a second, rebinding DNS answer cannot redirect it). Redirects are followed by
/// hand, each hop checked the same way. Bodies are limited in size and time.
/// </summary>
public sealed class RemoteImageFetcher : IDisposable
{
    private const int MaxRedirects = 3;

    private readonly HttpClient _client;
    private readonly IReadOnlyList<string> _allowedHosts;
    private readonly long _maxBytes;
    private readonly TimeSpan _timeout;

    public RemoteImageFetcher(ServerOptions options) : this(options, AddressPolicy.IsPublic)
    {
    }

    /// <param name="isAllowedAddress">Tests widen it to reach their loopback image server.</param>
    internal RemoteImageFetcher(ServerOptions options, Func<IPAddress, bool> isAllowedAddress)
    {
        _allowedHosts = options.AllowedMediaDomains;
        _maxBytes = options.MaxImageBytes;
        _timeout = TimeSpan.FromSeconds(options.MediaFetchTimeoutSeconds);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = (context, token) => ConnectCheckedAsync(context.DnsEndPoint, isAllowedAddress, token),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public bool Enabled => _allowedHosts.Count > 0;

    public async Task<byte[]> FetchAsync(Uri uri, string param, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            for (var hop = 0; ; hop++)
            {
                CheckHost(uri, param);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.ParseAdd("image/*");
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (hop == MaxRedirects) throw ApiException.BadRequest($"Image URL redirected more than {MaxRedirects} times.", param);
                    uri = RedirectTarget(uri, location, param);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw ApiException.BadRequest($"Fetching the image failed: the server answered {(int)response.StatusCode}.", param);
                return await ReadLimitedAsync(response, param, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ApiException.BadRequest($"Fetching the image timed out after {_timeout.TotalSeconds:0.#} s.", param);
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is BlockedAddressException blocked ? blocked.Message : "the connection failed";
            throw ApiException.BadRequest($"Fetching the image failed: {reason}.", param);
        }
        catch (IOException)
        {
            // A body cut short of its Content-Length or of its last chunk: the sender's fault, not ours.
            throw ApiException.BadRequest("Fetching the image failed: the response ended before the whole image arrived.", param);
        }
    }

    /// <summary>
    /// Where a redirect leads. An https URL may not continue over http: the client chose https, and a
    /// downgrade would hand the rest of the exchange to anyone on the path.
    /// </summary>
    internal static Uri RedirectTarget(Uri from, Uri location, string param)
    {
        var target = new Uri(from, location);
        if (from.Scheme == Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttps)
            throw ApiException.BadRequest("The image URL redirected from https to a URL that is not https.", param);
        return target;
    }

    private void CheckHost(Uri uri, string param)
    {
        if (uri.Scheme is not ("http" or "https"))
            throw ApiException.BadRequest("Image URLs must use http, https or data.", param);
        var host = uri.IdnHost;
        if (!_allowedHosts.Any(allowed => HostMatches(host, allowed)))
            throw ApiException.BadRequest($"The image host '{host}' is not in this server's allowed media domains.", param);
    }

    private static bool HostMatches(string host, string allowed) =>
        allowed == "*"
        || string.Equals(host.Trim('[', ']'), allowed.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
        || (allowed.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase));

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static async ValueTask<Stream> ConnectCheckedAsync(DnsEndPoint endPoint, Func<IPAddress, bool> isAllowed,
        CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        if (addresses.Length == 0) throw new BlockedAddressException($"'{endPoint.Host}' did not resolve");
        // One non-public answer refuses the host: a mixed answer is how rebinding attacks start.
        // The message names the host, never the address: what an internal name resolves to is not the client's business.
        if (addresses.Any(a => !isAllowed(a)))
            throw new BlockedAddressException($"'{endPoint.Host}' resolves to a non-public address");

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw last!;
    }

    private async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, string param, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > _maxBytes) throw TooLarge(param);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _maxBytes) throw TooLarge(param);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private ApiException TooLarge(string param) => ApiException.BadRequest($"The image is larger than {_maxBytes} bytes.", param);

    public void Dispose() => _client.Dispose();

    private sealed class BlockedAddressException(string message) : Exception(message);
}
