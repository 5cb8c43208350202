using SkiaSharp;

namespace Llava.Training.Shapes;

/// <summary>
/// Renders scenes to PNG with SkiaSharp: antialiased flat colours on a light grey background. (A dark outline around
/// each shape made shapes easier to tell apart but drowned the colour in the patch features, and a small model then
/// failed to learn colours at all.)
/// </summary>
public static class SceneRenderer
{

    /// <param name="colorJitter">Supplies per-channel offsets so repeated objects of a colour are not pixel-identical.</param>
    public static byte[] RenderPng(Scene scene, Func<int> colorJitter)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(scene.ImageSize, scene.ImageSize, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(scene.Background, scene.Background, scene.Background));
            foreach (var item in scene.Objects)
            {
                using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = Jittered(item.Color, colorJitter) };
                using var path = ShapeGeometry.Outline(item.Shape, item.CenterX, item.CenterY, item.Radius);
                canvas.DrawPath(path, paint);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKColor Jittered(ShapeColor color, Func<int> jitter)
    {
        static byte Channel(int value) => (byte)Math.Clamp(value, 0, 255);
        return new SKColor(Channel(color.R + jitter()), Channel(color.G + jitter()), Channel(color.B + jitter()));
    }
}
