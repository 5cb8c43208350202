using Llava.Model.Config;

namespace Llava.Model.AnyResolution;

/// <summary>
/// LLaVA-NeXT's "anyres" integer arithmetic, shared by the image processor, the prompt builder and the model so
/// that the positions an image takes in the prompt always equal the feature rows the model produces. Each method
/// mirrors the Hugging Face function it names, in Python's semantics (float division in double precision,
/// <c>int()</c> truncation, <c>//</c> floor division).
/// </summary>
public static class AnyResolutionGrid
{
    /// <summary>
    /// <c>select_best_resolution</c>: the (height, width) in <paramref name="pinpoints"/> that keeps the most of the
    /// image's pixels after an aspect-preserving downscale, the least wasted area breaking ties, the first winning
    /// full ties.
    /// </summary>
    public static (int Height, int Width) SelectBestResolution(int height, int width, IReadOnlyList<int[]> pinpoints)
    {
        if (pinpoints.Count == 0)
            throw new ArgumentException("image_grid_pinpoints is empty", nameof(pinpoints));
        (int, int) best = default;
        long maxEffective = 0;
        var minWasted = double.PositiveInfinity;
        foreach (var pinpoint in pinpoints)
        {
            int targetHeight = pinpoint[0], targetWidth = pinpoint[1];
            var scale = Math.Min((double)targetWidth / width, (double)targetHeight / height);
            long downscaledWidth = (long)(width * scale), downscaledHeight = (long)(height * scale);
            var effective = Math.Min(downscaledWidth * downscaledHeight, (long)width * height);
            double wasted = (long)targetWidth * targetHeight - effective;
            if (effective > maxEffective || (effective == maxEffective && wasted < minWasted))
            {
                maxEffective = effective;
                minWasted = wasted;
                best = (targetHeight, targetWidth);
            }
        }
        return best;
    }

    /// <summary>
    /// <c>get_patch_output_size</c>: the size an image is resized to inside <paramref name="target"/>, keeping its
    /// aspect ratio, the scaled side rounded up and capped at the target.
    /// </summary>
    public static (int Height, int Width) PatchOutputSize(int height, int width, (int Height, int Width) target)
    {
        var scaleWidth = (double)target.Width / width;
        var scaleHeight = (double)target.Height / height;
        if (scaleWidth < scaleHeight)
            return ((int)Math.Min(Math.Ceiling(height * scaleWidth), target.Height), target.Width);
        return (target.Height, (int)Math.Min(Math.Ceiling(width * scaleHeight), target.Width));
    }

    /// <summary>
    /// <c>unpad_image</c> on a feature grid of <paramref name="gridHeight"/> x <paramref name="gridWidth"/>: the rows
    /// and columns that cover the image rather than its padding, as [start, start + count).
    /// </summary>
    public static UnpaddedRegion Unpad(int height, int width, int gridHeight, int gridWidth)
    {
        var originalAspect = (double)width / height;
        var currentAspect = (double)gridWidth / gridHeight;
        if (originalAspect > currentAspect)
        {
            var newHeight = (int)Math.Round(height * ((double)gridWidth / width), 7, MidpointRounding.ToEven);
            var padding = FloorDiv(gridHeight - newHeight, 2);
            return new UnpaddedRegion(padding, gridHeight - 2 * padding, 0, gridWidth);
        }
        var newWidth = (int)Math.Round(width * ((double)gridHeight / height), 7, MidpointRounding.ToEven);
        var widthPadding = FloorDiv(gridWidth - newWidth, 2);
        return new UnpaddedRegion(0, gridHeight, widthPadding, gridWidth - 2 * widthPadding);
    }

    /// <summary>The tiling of one image of <paramref name="height"/> x <paramref name="width"/> pixels under <paramref name="config"/>.</summary>
    public static ImageTiling Tile(LlavaConfig config, int height, int width)
    {
        var crop = config.Vision.ImageSize;
        var side = config.Vision.PatchesPerSide;
        var best = SelectBestResolution(height, width, config.GridPinpoints);
        var (rows, columns) = (best.Height / crop, best.Width / crop);
        var region = Unpad(height, width, rows * side, columns * side);
        return new ImageTiling(best, rows, columns, region, config.ImageSeqLen);
    }

    private static int FloorDiv(int value, int divisor) => (int)Math.Floor((double)value / divisor);
}

/// <summary>Rows [<see cref="Top"/>, Top + Height) and columns [<see cref="Left"/>, Left + Width) of a feature grid.</summary>
public readonly record struct UnpaddedRegion(int Top, int Height, int Left, int Width);

/// <summary>
/// How one image is cut and packed: the grid resolution chosen for it, its crops per column and row, the unpadded
/// feature region, and so the number of prompt positions (base crop first, then each kept grid row plus its newline).
/// </summary>
public readonly record struct ImageTiling(
    (int Height, int Width) Resolution, int GridRows, int GridColumns, UnpaddedRegion Region, int BaseFeatures)
{
    /// <summary>Crops through the vision tower: the whole image resized, then the grid.</summary>
    public int Crops => 1 + GridRows * GridColumns;

    public int FeatureCount => BaseFeatures + Region.Height * (Region.Width + 1);
}
