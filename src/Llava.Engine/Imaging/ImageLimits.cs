namespace Llava.Engine.Imaging;

/// <summary>
/// Bounds checked before an image is fully decoded, so a small hostile file cannot make the server
/// allocate gigabytes (the pixel count comes from the header).
/// </summary>
public sealed record ImageLimits(long MaxEncodedBytes = 20_000_000, long MaxPixels = 50_000_000);
