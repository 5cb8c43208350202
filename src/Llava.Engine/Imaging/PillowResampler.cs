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
        // Pillow's ImagingResampleInner: one pass per axis whose size changes, each rounding to uint8, so the
        // order of the passes shows in the pixels. Pillow 13 runs the vertical pass first when the height
        // shrinks by more than twice as many pixels as the width does, else the horizontal pass first.
        var horizontal = width != image.Width
            ? ResampleCoefficients.Compute(image.Width, width, region.X, region.Width, kernel)
            : null;
        var vertical = height != image.Height
            ? ResampleCoefficients.Compute(image.Height, height, region.Y, region.Height, kernel)
            : null;
        return VerticalFirst(image, width, height)
            ? ResizeVerticalFirst(image, region, horizontal, vertical!)
            : ResizeHorizontalFirst(image, region, horizontal, vertical);
    }

    /// <summary>Pillow 13's choice of pass order (<c>ImagingResampleInner</c>), for a resize of the whole image.</summary>
    private static bool VerticalFirst(DecodedImage image, int width, int height) =>
        height < image.Height && image.Height - height > 2L * (image.Width - width);

    private static DecodedImage ResizeHorizontalFirst(
        DecodedImage image, PixelRegion region, ResampleCoefficients? horizontal, ResampleCoefficients? vertical)
    {
        // Only the source rows the vertical pass will read go through the horizontal pass.
        var (firstRow, rowCount) = vertical is null ? (region.Y, region.Height) : Span(vertical);
        var rows = horizontal is not null
            ? ResampleRows(image, firstRow, rowCount, horizontal, firstColumn: 0)
            : RgbCrop.Crop(image, new PixelRegion(region.X, firstRow, region.Width, rowCount));
        return vertical is null ? rows : ResampleColumns(rows, firstRow, vertical, firstColumn: 0, rows.Width);
    }

    private static DecodedImage ResizeVerticalFirst(
        DecodedImage image, PixelRegion region, ResampleCoefficients? horizontal, ResampleCoefficients vertical)
    {
        // Only the source columns the horizontal pass will read go through the vertical pass.
        var (firstColumn, columnCount) = horizontal is null ? (region.X, region.Width) : Span(horizontal);
        var columns = ResampleColumns(image, firstRow: 0, vertical, firstColumn, columnCount);
        return horizontal is null ? columns : ResampleRows(columns, firstRow: 0, columns.Height, horizontal, firstColumn);
    }

    /// <summary>First source index the coefficients read and how many indices from there.</summary>
    private static (int First, int Count) Span(ResampleCoefficients c) =>
        (c.First[0], c.First[^1] + c.Count[^1] - c.First[0]);

    /// <param name="source">Columns <paramref name="firstColumn"/> onward of the image, rows <paramref name="firstRow"/> onward resampled.</param>
    private static DecodedImage ResampleRows(DecodedImage source, int firstRow, int rowCount, ResampleCoefficients c, int firstColumn)
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
                var window = sourceRow.Slice((c.First[x] - firstColumn) * Channels, weights.Length * Channels);
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

    /// <param name="source">Rows <paramref name="firstRow"/> onward of the image (or of its horizontal pass).</param>
    /// <param name="firstColumn">First of the <paramref name="columnCount"/> source columns to resample.</param>
    private static DecodedImage ResampleColumns(DecodedImage source, int firstRow, ResampleCoefficients c, int firstColumn, int columnCount)
    {
        // Integer sums are order-independent, so accumulating whole rows tap by tap gives Pillow's values
        // while reading memory sequentially.
        int height = c.Count.Length;
        int sourceStride = source.Width * Channels;
        int stride = columnCount * Channels;
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
                var sourceRow = source.Rgb.AsSpan((first + k) * sourceStride + firstColumn * Channels, stride);
                for (int i = 0; i < stride; i++)
                    sums[i] += sourceRow[i] * w;
            }

            var outputRow = output.AsSpan(y * stride, stride);
            for (int i = 0; i < stride; i++)
                outputRow[i] = Clip8(sums[i]);
        }

        return new DecodedImage(columnCount, height, output);
    }

    private static byte Clip8(int value) => (byte)Math.Clamp(value >> ResampleCoefficients.PrecisionBits, 0, 255);
}
