namespace Llava.Engine.Imaging;

/// <summary>
/// An 8-bit RGB image in row-major HWC order (what Pillow's <c>convert("RGB")</c> yields, as a NumPy array).
/// The pixel array is shared, not copied: treat it as read-only.
/// </summary>
public sealed class DecodedImage
{
    public DecodedImage(int width, int height, byte[] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be at least 1x1, got {width}x{height}");
        if (rgb.LongLength != 3L * width * height)
            throw new ArgumentException($"expected {3L * width * height} RGB bytes for {width}x{height}, got {rgb.LongLength}", nameof(rgb));
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Pixels as R, G, B bytes, row by row from the top-left corner.</summary>
    public byte[] Rgb { get; }
}
