namespace Llava.Engine.Imaging;

internal static class RgbCrop
{
    /// <summary>The pixels of <paramref name="region"/>, which must lie inside the image; the image itself when the region is all of it.</summary>
    public static DecodedImage Crop(DecodedImage image, PixelRegion region)
    {
        if (region.X == 0 && region.Y == 0 && region.Width == image.Width && region.Height == image.Height)
            return image;
        var output = new byte[region.Width * region.Height * 3];
        int rowBytes = region.Width * 3;
        for (int y = 0; y < region.Height; y++)
        {
            image.Rgb.AsSpan(((region.Y + y) * image.Width + region.X) * 3, rowBytes)
                .CopyTo(output.AsSpan(y * rowBytes, rowBytes));
        }

        return new DecodedImage(region.Width, region.Height, output);
    }
}
