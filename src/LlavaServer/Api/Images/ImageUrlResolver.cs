using LlavaServer.Api.Errors;
using LlavaServer.Hosting;

namespace LlavaServer.Api.Images;

/// <summary>
/// Turns an <c>image_url.url</c> into encoded image bytes: base64 data URLs inline, http(s) through the
/// guarded <see cref="RemoteImageFetcher"/> when the server allows remote images. Decoding the bytes is
/// the engine's job.
/// </summary>
public sealed class ImageUrlResolver(ServerOptions options, RemoteImageFetcher fetcher)
{
    private static readonly string[] MediaTypes =
        ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif", "image/bmp", "image/x-ms-bmp"];

    public async Task<byte[]> ResolveAsync(string? url, string param, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url)) throw ApiException.BadRequest("An image_url part needs a url.", param);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return DecodeDataUrl(url, param);
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            if (!fetcher.Enabled)
            {
                throw ApiException.BadRequest(
                    "Remote image URLs are disabled on this server; send the image inline as a data URL " +
                    "(data:image/png;base64,...) or start the server with --allowed-media-domains.", param);
            }
            return await fetcher.FetchAsync(uri, param, cancellationToken);
        }
        throw ApiException.BadRequest("Image URLs must be data:image/...;base64 URLs or http(s) URLs.", param);
    }

    private byte[] DecodeDataUrl(string url, string param)
    {
        var comma = url.IndexOf(',');
        if (comma < 0) throw ApiException.BadRequest("The data URL has no ',' before its data.", param);
        var header = url[5..comma].Split(';', StringSplitOptions.TrimEntries);
        var mediaType = header[0].ToLowerInvariant();
        if (!MediaTypes.Contains(mediaType))
        {
            throw ApiException.BadRequest(
                $"Unsupported image type '{header[0]}'; use image/png, image/jpeg, image/webp, image/gif or image/bmp.", param);
        }
        if (!header.Skip(1).Contains("base64", StringComparer.OrdinalIgnoreCase))
            throw ApiException.BadRequest("Image data URLs must be base64-encoded (data:image/png;base64,...).", param);

        var data = url.AsSpan(comma + 1);
        if ((long)data.Length * 3 / 4 > options.MaxImageBytes)
            throw ApiException.BadRequest($"The image is larger than {options.MaxImageBytes} bytes.", param);
        var bytes = new byte[data.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64Chars(data, bytes, out var written))
            throw ApiException.BadRequest("The image data is not valid base64.", param);
        return bytes[..written];
    }
}
