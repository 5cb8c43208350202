using SkiaSharp;

namespace Llava.Training.Shapes.Wide;

/// <summary>
/// The training images' own rasterizer, in plain C#: each pixel's coverage by a shape is the share of a 4×4 grid of
/// sample points (one point when aliased) inside it — inside the polygon or circle when filled, within half the
/// stroke width of its border when outlined — mixed over the backdrop, then noise, then PNG or JPEG encoding.
/// It shares no drawing code with SkiaSharp, which draws the independent evaluation set.
/// </summary>
public static class SceneRasterizer
{
    private const int Samples = 4;

    /// <param name="noiseSeed">Seeds the backdrop noise, so the same scene always gives the same bytes.</param>
    public static byte[] Render(WideScene scene, int noiseSeed)
    {
        var (width, height) = (scene.Width, scene.Height);
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
                Put(rgb, (y * width + x) * 3, scene.Backdrop.At(x + 0.5, y + 0.5, width, height));
        }
        var (offsetX, offsetY) = scene.CropOffset;
        for (var i = 0; i < scene.Scene.Objects.Count; i++)
            Draw(rgb, width, height, scene.Scene.Objects[i], scene.Styles[i], offsetX, offsetY);
        if (scene.Backdrop.Noise > 0)
            AddNoise(rgb, scene.Backdrop.Noise, new Random(noiseSeed));
        return Encode(rgb, width, height, scene.Encoding);
    }

    private static void Draw(byte[] rgb, int width, int height, SceneObject item, ShapeStyle style, int offsetX, int offsetY)
    {
        var cx = item.CenterX + offsetX;
        var cy = item.CenterY + offsetY;
        var corners = ShapeOutline.Corners(item.Shape, cx, cy, item.Radius, style.Rotation, style.StarInner);
        Func<double, double, bool> inside = corners.Length == 0
            ? Circle(cx, cy, item.Radius, style)
            : Polygon(corners, style);
        var reach = item.Radius * ShapeOutline.Reach(item.Shape) + style.StrokeWidth;
        var (x0, x1) = (Math.Max(0, (int)(cx - reach) - 1), Math.Min(width - 1, (int)(cx + reach) + 1));
        var (y0, y1) = (Math.Max(0, (int)(cy - reach) - 1), Math.Min(height - 1, (int)(cy + reach) + 1));
        var samples = style.Antialiased ? Samples : 1;
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                var hits = 0;
                for (var sy = 0; sy < samples; sy++)
                {
                    for (var sx = 0; sx < samples; sx++)
                    {
                        if (inside(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples)) hits++;
                    }
                }
                if (hits == 0) continue;
                var at = (y * width + x) * 3;
                var under = new Rgb(rgb[at], rgb[at + 1], rgb[at + 2]);
                Put(rgb, at, under.Mix(style.Color, hits / (double)(samples * samples)));
            }
        }
    }

    private static Func<double, double, bool> Circle(double cx, double cy, double radius, ShapeStyle style)
    {
        var half = style.StrokeWidth / 2;
        return (x, y) =>
        {
            var d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
            return style.Filled ? d <= radius : Math.Abs(d - radius) <= half;
        };
    }

    private static Func<double, double, bool> Polygon((double X, double Y)[] corners, ShapeStyle style)
    {
        var half = style.StrokeWidth / 2;
        return style.Filled ? (x, y) => Contains(corners, x, y) : (x, y) => DistanceToBorder(corners, x, y) <= half;
    }

    /// <summary>Even-odd crossing test.</summary>
    private static bool Contains((double X, double Y)[] corners, double x, double y)
    {
        var inside = false;
        for (int i = 0, j = corners.Length - 1; i < corners.Length; j = i++)
        {
            var (a, b) = (corners[i], corners[j]);
            if ((a.Y > y) != (b.Y > y) && x < (b.X - a.X) * (y - a.Y) / (b.Y - a.Y) + a.X)
                inside = !inside;
        }
        return inside;
    }

    private static double DistanceToBorder((double X, double Y)[] corners, double x, double y)
    {
        var best = double.MaxValue;
        for (int i = 0, j = corners.Length - 1; i < corners.Length; j = i++)
        {
            var (a, b) = (corners[j], corners[i]);
            var (dx, dy) = (b.X - a.X, b.Y - a.Y);
            var t = Math.Clamp(((x - a.X) * dx + (y - a.Y) * dy) / (dx * dx + dy * dy), 0, 1);
            best = Math.Min(best, Math.Sqrt(Math.Pow(a.X + t * dx - x, 2) + Math.Pow(a.Y + t * dy - y, 2)));
        }
        return best;
    }

    private static void AddNoise(byte[] rgb, int amplitude, Random random)
    {
        for (var i = 0; i < rgb.Length; i++)
            rgb[i] = (byte)Math.Clamp(rgb[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
    }

    private static void Put(byte[] rgb, int at, Rgb color)
    {
        rgb[at] = color.R;
        rgb[at + 1] = color.G;
        rgb[at + 2] = color.B;
    }

    private static byte[] Encode(byte[] rgb, int width, int height, ImageEncoding encoding)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[width * height * 4];
        for (var i = 0; i < width * height; i++)
        {
            rgba[i * 4] = rgb[i * 3];
            rgba[i * 4 + 1] = rgb[i * 3 + 1];
            rgba[i * 4 + 2] = rgb[i * 3 + 2];
            rgba[i * 4 + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return encoding.Encode(bitmap);
    }
}
