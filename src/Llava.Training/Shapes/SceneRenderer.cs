using SkiaSharp;

namespace Llava.Training.Shapes;

/// <summary>
/// Renders scenes to PNG with SkiaSharp: antialiased flat colours with a dark outline on a light grey background. The
/// outline is the same for every colour, which makes an object's silhouette visible to a patch embedding independently
/// of its fill (without it, telling a yellow circle from a yellow star takes far more vision pretraining).
/// </summary>
public static class SceneRenderer
{
    private static readonly SKPaint Outline = new()
    {
        IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, Color = new SKColor(30, 30, 30),
    };

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
                canvas.DrawPath(path, Outline);
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
