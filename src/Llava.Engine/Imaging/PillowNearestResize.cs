namespace Llava.Engine.Imaging;

/// <summary>
/// Pillow resizes with NEAREST through its affine "scale" transform, not the convolution code: the source
/// coordinate starts at half a step and is advanced by repeated double addition, then truncated. The
/// accumulated rounding of that addition decides ties, so it is reproduced as is.
/// </summary>
internal static class PillowNearestResize
{
    public static DecodedImage ResizeRegion(DecodedImage image, int width, int height, PixelRegion region)
    {
        int[] columns = SourceIndices(image.Width, width, region.X, region.Width);
        int[] rows = SourceIndices(image.Height, height, region.Y, region.Height);
        var output = new byte[3 * region.Width * region.Height];
        for (int y = 0; y < rows.Length; y++)
        {
            if (rows[y] < 0) continue;
            var sourceRow = image.Rgb.AsSpan(rows[y] * image.Width * 3, image.Width * 3);
            var outputRow = output.AsSpan(y * region.Width * 3, region.Width * 3);
            for (int x = 0; x < columns.Length; x++)
            {
                int source = columns[x];
                if (source < 0) continue;
                outputRow[x * 3] = sourceRow[source * 3];
                outputRow[x * 3 + 1] = sourceRow[source * 3 + 1];
                outputRow[x * 3 + 2] = sourceRow[source * 3 + 2];
            }
        }

        return new DecodedImage(region.Width, region.Height, output);
    }

    /// <summary>Source index for output indices start .. start+count-1, or -1 where Pillow leaves its zero fill.</summary>
    private static int[] SourceIndices(int inSize, int outSize, int start, int count)
    {
        double step = (double)(float)inSize / outSize;
        double position = step * 0.5;
        for (int i = 0; i < start; i++)
            position += step;
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            int index = position < 0.0 ? -1 : (int)position;
            indices[i] = index < inSize ? index : -1;
            position += step;
        }

        return indices;
    }
}
