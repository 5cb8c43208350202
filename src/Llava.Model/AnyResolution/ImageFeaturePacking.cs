using static TorchSharp.torch;

namespace Llava.Model.AnyResolution;

/// <summary>
/// Hugging Face's <c>pack_image_features</c> for one image: the grid crops' features arranged back into one
/// feature map, cut to the image's own aspect ratio (<c>unpad_image</c>), <c>image_newline</c> appended to every
/// row, and the base (whole-image) crop's features first.
/// </summary>
public static class ImageFeaturePacking
{
    /// <param name="features">Projected features of every crop, base first: <c>[crops, side * side, hidden]</c>.</param>
    /// <param name="tiling">The image's tiling; its crop count must match <paramref name="features"/>.</param>
    /// <param name="imageNewline">The learned <c>[hidden]</c> row terminator.</param>
    /// <returns><c>[tiling.FeatureCount, hidden]</c>.</returns>
    public static Tensor Pack(Tensor features, ImageTiling tiling, Tensor imageNewline)
    {
        if (features.ndim != 3 || features.shape[0] != tiling.Crops)
            throw new ArgumentException(
                $"expected features of {tiling.Crops} crops, got [{string.Join(", ", features.shape)}]", nameof(features));
        using var scope = NewDisposeScope();
        var hidden = features.shape[2];
        var side = (long)Math.Sqrt(features.shape[1]);
        var region = tiling.Region;
        // [rows, columns, side, side, hidden] → [rows, side, columns, side, hidden]: row-major over the whole map,
        // which is the (height, width) order HF's permute(4, 0, 2, 1, 3) produces with channels first.
        var map = features.narrow(0, 1, tiling.Crops - 1)
            .view(tiling.GridRows, tiling.GridColumns, side, side, hidden)
            .permute(0, 2, 1, 3, 4)
            .reshape(tiling.GridRows * side, tiling.GridColumns * side, hidden)
            .narrow(0, region.Top, region.Height)
            .narrow(1, region.Left, region.Width);
        var newlines = imageNewline.to(features.dtype).view(1, 1, hidden).expand(region.Height, 1, hidden);
        var rows = cat([map, newlines], 1).reshape(-1, hidden);
        return cat([features[0], rows], 0).MoveToOuterDisposeScope();
    }
}
