using SkiaSharp;

namespace LlavaBench.Workload;

/// <summary>
/// Distinct synthetic PNG images: a two-colour gradient with a few shapes, all derived from a seed, so image
/// <c>n</c> is the same in every run and differs from image <c>n + 1</c> (different bytes and pixels, hence a
/// different image-cache key).
/// </summary>
public static class BenchImages
{
    public static byte[] Png(int seed, int size = 224) => Png(seed, size, size);

    public static byte[] Png(int seed, int width, int height)
    {
        var random = new Random(seed);
        var size = Math.Min(width, height);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                   [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp))
        using (var background = new SKPaint { Shader = shader })
        {
            canvas.DrawRect(0, 0, width, height, background);
        }
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 6; i++)
        {
            paint.Color = RandomColor(random);
            var x = random.NextSingle() * width;
            var y = random.NextSingle() * height;
            var extent = size * (0.05f + 0.2f * random.NextSingle());
            if (i % 2 == 0) canvas.DrawCircle(x, y, extent, paint);
            else canvas.DrawRect(x, y, extent * 1.5f, extent, paint);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static SKColor RandomColor(Random random) =>
        new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
