namespace Llava.Engine.Imaging;

/// <summary>
/// Turns decoded RGBA into upright RGB: applies an EXIF orientation the way <c>PIL.ImageOps.exif_transpose</c>
/// does and drops alpha without compositing, as Pillow's <c>convert("RGB")</c> does.
/// </summary>
internal static class ExifOrientation
{
    /// <param name="rgba">Stored pixels, 4 bytes each, <paramref name="width"/> x <paramref name="height"/>.</param>
    /// <param name="orientation">EXIF orientation 1-8; anything else is treated as 1.</param>
    public static DecodedImage ToUprightRgb(ReadOnlySpan<byte> rgba, int width, int height, int orientation)
    {
        // Output pixel (x, y) reads stored pixel start + x * stepX + y * stepY. Orientations 5-8 swap the axes:
        // 5 = transpose, 6 = rotate 90 degrees clockwise, 7 = transverse, 8 = rotate 90 counter-clockwise.
        int last = height - 1;
        var (start, stepX, stepY) = orientation switch
        {
            2 => (width - 1, -1, width),
            3 => (last * width + width - 1, -1, -width),
            4 => (last * width, 1, -width),
            5 => (0, width, 1),
            6 => (last * width, -width, 1),
            7 => (last * width + width - 1, -width, -1),
            8 => (width - 1, width, -1),
            _ => (0, 1, width),
        };
        bool swapsAxes = orientation is >= 5 and <= 8;
        int outWidth = swapsAxes ? height : width;
        int outHeight = swapsAxes ? width : height;

        var rgb = new byte[3 * outWidth * outHeight];
        int o = 0;
        for (int y = 0; y < outHeight; y++)
        {
            int source = start + y * stepY;
            for (int x = 0; x < outWidth; x++, source += stepX, o += 3)
            {
                int s = source * 4;
                rgb[o] = rgba[s];
                rgb[o + 1] = rgba[s + 1];
                rgb[o + 2] = rgba[s + 2];
            }
        }

        return new DecodedImage(outWidth, outHeight, rgb);
    }
}
