namespace Llava.Engine.Imaging;

/// <summary>
/// Bounds checked before an image is decoded, so a small hostile file cannot make the server allocate
/// gigabytes (the pixel count comes from the header). Decoding holds about 7 bytes per pixel at once
/// (RGBA from the codec, then upright RGB), so <see cref="MaxPixels"/> bounds one decode's memory.
/// </summary>
/// <param name="MaxEncodedBytes">Largest encoded image; the server's <c>--max-image-bytes</c>.</param>
/// <param name="MaxPixels">Largest width × height; the server's <c>--max-image-pixels</c>.</param>
public sealed record ImageLimits(long MaxEncodedBytes = 20 * 1024 * 1024, long MaxPixels = 50_000_000);
