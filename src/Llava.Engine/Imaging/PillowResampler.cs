namespace Llava.Engine.Imaging;

/// <summary>
/// <c>PIL.Image.resize</c> for RGB images, reproduced exactly: Hugging Face's slow image processors resize
/// through Pillow, and a one-level difference in a single pixel is visible in the model's logits.
/// </summary>
public static class PillowResampler
{
    private const int Channels = 3;
    private const int Half = 1 << (ResampleCoefficients.PrecisionBits - 1);

    /// <summary>Resizes to <paramref name="width"/> x <paramref name="height"/>; returns the input itself when the size is unchanged (Pillow copies).</summary>
    public static DecodedImage Resize(DecodedImage image, int width, int height, ResampleFilter filter)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ResizeRegion(image, width, height, filter, new PixelRegion(0, 0, width, height));
    }

    /// <summary>
    /// The pixels of <paramref name="region"/> of the image Pillow would produce at <paramref name="width"/> x
    /// <paramref name="height"/>. Every output pixel depends only on its own coefficients, so computing just the
    /// region (a later center crop) gives the same values without materialising the whole resized image.
    /// </summary>
    internal static DecodedImage ResizeRegion(DecodedImage image, int width, int height, ResampleFilter filter, PixelRegion region)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"target size must be at least 1x1, got {width}x{height}");
        if (region.Width < 1 || region.Height < 1 || region.X < 0 || region.Y < 0
            || region.X > width - region.Width || region.Y > height - region.Height)
            throw new ArgumentOutOfRangeException(nameof(region), $"{region} is not inside {width}x{height}");
        if (3L * region.Width * region.Height > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(region), $"{region.Width}x{region.Height} pixels is too large");
        if (!Enum.IsDefined(filter))
            throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown resampling filter");

        if (width == image.Width && height == image.Height)
            return RgbCrop.Crop(image, region);
        if (filter == ResampleFilter.Nearest)
            return PillowNearestResize.ResizeRegion(image, width, height, region);
        return Convolve(image, width, height, region, ResampleKernel.For(filter));
    }

    private static DecodedImage Convolve(DecodedImage image, int width, int height, PixelRegion region, ResampleKernel kernel)
    {
        // Pillow's ImagingResampleInner: a horizontal pass over just the source rows the vertical pass will
        // read, then the vertical pass; an axis whose size does not change is skipped, and each pass rounds
        // to uint8.
        ResampleCoefficients? vertical = null;
        int firstRow = region.Y;
        int rowCount = region.Height;
        if (height != image.Height)
        {
            vertical = ResampleCoefficients.Compute(image.Height, height, region.Y, region.Height, kernel);
            firstRow = vertical.First[0];
            rowCount = vertical.First[^1] + vertical.Count[^1] - firstRow;
        }

        var rows = width != image.Width
            ? ResampleRows(image, firstRow, rowCount, ResampleCoefficients.Compute(image.Width, width, region.X, region.Width, kernel))
            : RgbCrop.Crop(image, new PixelRegion(region.X, firstRow, region.Width, rowCount));
        return vertical is null ? rows : ResampleColumns(rows, firstRow, vertical);
    }

    private static DecodedImage ResampleRows(DecodedImage source, int firstRow, int rowCount, ResampleCoefficients c)
    {
        int width = c.Count.Length;
        var output = new byte[rowCount * width * Channels];
        int sourceStride = source.Width * Channels;
        int ksize = c.KernelSize;
        for (int y = 0; y < rowCount; y++)
        {
            var sourceRow = source.Rgb.AsSpan((firstRow + y) * sourceStride, sourceStride);
            var outputRow = output.AsSpan(y * width * Channels, width * Channels);
            for (int x = 0; x < width; x++)
            {
                var weights = c.Weights.AsSpan(x * ksize, c.Count[x]);
                var window = sourceRow.Slice(c.First[x] * Channels, weights.Length * Channels);
                int r = Half, g = Half, b = Half;
                for (int k = 0; k < weights.Length; k++)
                {
                    int w = weights[k];
                    r += window[k * 3] * w;
                    g += window[k * 3 + 1] * w;
                    b += window[k * 3 + 2] * w;
                }

                outputRow[x * 3] = Clip8(r);
                outputRow[x * 3 + 1] = Clip8(g);
                outputRow[x * 3 + 2] = Clip8(b);
            }
        }

        return new DecodedImage(width, rowCount, output);
    }

    /// <param name="source">Rows <paramref name="firstRow"/> onward of the (horizontally resampled) image.</param>
    private static DecodedImage ResampleColumns(DecodedImage source, int firstRow, ResampleCoefficients c)
    {
        // Integer sums are order-independent, so accumulating whole rows tap by tap gives Pillow's values
        // while reading memory sequentially.
        int height = c.Count.Length;
        int stride = source.Width * Channels;
        var output = new byte[height * stride];
        var sums = new int[stride];
        int ksize = c.KernelSize;
        for (int y = 0; y < height; y++)
        {
            sums.AsSpan().Fill(Half);
            var weights = c.Weights.AsSpan(y * ksize, c.Count[y]);
            int first = c.First[y] - firstRow;
            for (int k = 0; k < weights.Length; k++)
            {
                int w = weights[k];
                var sourceRow = source.Rgb.AsSpan((first + k) * stride, stride);
                for (int i = 0; i < stride; i++)
                    sums[i] += sourceRow[i] * w;
            }

            var outputRow = output.AsSpan(y * stride, stride);
            for (int i = 0; i < stride; i++)
                outputRow[i] = Clip8(sums[i]);
        }

        return new DecodedImage(source.Width, height, output);
    }

    private static byte Clip8(int value) => (byte)Math.Clamp(value >> ResampleCoefficients.PrecisionBits, 0, 255);
}
