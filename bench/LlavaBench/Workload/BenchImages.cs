using SkiaSharp;

namespace LlavaBench.Workload;

/// <summary>
/// Distinct synthetic PNG images: a two-colour gradient with a few shapes, all derived from a seed, so image
/// <c>n</c> is the same in every run and differs from image <c>n + 1</c> (different bytes and pixels, hence a
/// different image-cache key).
/// </summary>
public static class BenchImages
{
    public static byte[] Png(int seed, int size = 224)
    {
        var random = new Random(seed);
        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(size, size),
                   [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp))
        using (var background = new SKPaint { Shader = shader })
        {
            canvas.DrawRect(0, 0, size, size, background);
        }
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 6; i++)
        {
            paint.Color = RandomColor(random);
            var x = random.NextSingle() * size;
            var y = random.NextSingle() * size;
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
