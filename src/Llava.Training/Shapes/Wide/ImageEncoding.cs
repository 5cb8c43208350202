using SkiaSharp;

namespace Llava.Training.Shapes.Wide;

/// <summary>The file format an image is saved in: lossless PNG, or JPEG at a quality that shows its artefacts.</summary>
public sealed record ImageEncoding(bool Jpeg, int Quality)
{
    public static ImageEncoding Png { get; } = new(false, 100);

    public string Extension => Jpeg ? ".jpg" : ".png";

    public byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(Jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, Quality);
        return data.ToArray();
    }
}
