using SkiaSharp;

namespace Llava.Training.Shapes.Wide;

/// <summary>
/// Draws wide scenes the way an ordinary drawing program would, with SkiaSharp's canvas — <c>DrawCircle</c>,
/// <c>DrawRect</c> and paths under a rotated canvas, Skia's fill and stroke rasterizers (mitred corners), its gradient
/// shader and Perlin-noise grain — and none of <see cref="SceneRasterizer"/>'s code. The evaluation set it draws
/// measures whether the model learnt shapes or its training renderer's pixels.
/// </summary>
public static class IndependentSceneRenderer
{
    public static byte[] Render(WideScene scene, int noiseSeed)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(scene.Width, scene.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            DrawBackdrop(canvas, scene.Backdrop, scene.Width, scene.Height, noiseSeed);
            var (offsetX, offsetY) = scene.CropOffset;
            for (var i = 0; i < scene.Scene.Objects.Count; i++)
            {
                var item = scene.Scene.Objects[i];
                var style = scene.Styles[i];
                canvas.Save();
                canvas.Translate(item.CenterX + offsetX, item.CenterY + offsetY);
                canvas.RotateDegrees((float)style.Rotation);
                using var paint = new SKPaint
                {
                    Color = new SKColor(style.Color.R, style.Color.G, style.Color.B),
                    IsAntialias = style.Antialiased,
                    Style = style.Filled ? SKPaintStyle.Fill : SKPaintStyle.Stroke,
                    StrokeWidth = (float)style.StrokeWidth,
                };
                DrawShape(canvas, item.Shape, item.Radius, (float)style.StarInner, paint);
                canvas.Restore();
            }
        }
        return scene.Encoding.Encode(bitmap);
    }

    private static void DrawBackdrop(SKCanvas canvas, Backdrop backdrop, int width, int height, int noiseSeed)
    {
        canvas.Clear(Color(backdrop.From));
        if (backdrop.IsGradient)
        {
            var angle = backdrop.AngleDegrees * Math.PI / 180;
            var reach = (Math.Abs(Math.Cos(angle)) * width + Math.Abs(Math.Sin(angle)) * height) / 2;
            var (dx, dy) = ((float)(Math.Cos(angle) * reach), (float)(Math.Sin(angle) * reach));
            var centre = new SKPoint(width / 2f, height / 2f);
            using var shader = SKShader.CreateLinearGradient(new SKPoint(centre.X - dx, centre.Y - dy), new SKPoint(centre.X + dx, centre.Y + dy),
                [Color(backdrop.From), Color(backdrop.To)], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, width, height, paint);
        }
        if (backdrop.Noise > 0)
        {
            // Opaque grey grain composited at an opacity that moves a channel by about the backdrop's noise amplitude.
            using var layer = new SKPaint { Color = SKColors.Black.WithAlpha((byte)Math.Min(255, backdrop.Noise * 3)) };
            canvas.SaveLayer(layer);
            using var noise = SKShader.CreatePerlinNoiseFractalNoise(0.9f, 0.9f, 2, noiseSeed % 1000);
            using var grey = SKColorFilter.CreateColorMatrix([
                0.33f, 0.33f, 0.33f, 0, 0,
                0.33f, 0.33f, 0.33f, 0, 0,
                0.33f, 0.33f, 0.33f, 0, 0,
                0, 0, 0, 0, 255]);
            using var paint = new SKPaint { Shader = noise, ColorFilter = grey };
            canvas.DrawRect(0, 0, width, height, paint);
            canvas.Restore();
        }
    }

    /// <summary>The same sizes as the training world's (circle radius r, square half-side 0.9r, triangle and star
    /// points on circles of 1.15r and 1.1r), drawn around the canvas origin.</summary>
    private static void DrawShape(SKCanvas canvas, ShapeKind shape, float r, float starInner, SKPaint paint)
    {
        switch (shape)
        {
            case ShapeKind.Circle:
                canvas.DrawCircle(0, 0, r, paint);
                break;
            case ShapeKind.Square:
                canvas.DrawRect(SKRect.Create(-0.9f * r, -0.9f * r, 1.8f * r, 1.8f * r), paint);
                break;
            case ShapeKind.Triangle:
                using (var path = Star(3, 1.15f * r, 1.15f * r))
                    canvas.DrawPath(path, paint);
                break;
            case ShapeKind.Star:
                using (var path = Star(5, 1.1f * r, 1.1f * r * starInner))
                    canvas.DrawPath(path, paint);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }
    }

    /// <summary>A polygon pointing up: <paramref name="points"/> outer corners, with inner ones between them for a star.</summary>
    private static SKPath Star(int points, float outer, float inner)
    {
        var path = new SKPath();
        var corners = outer == inner ? points : points * 2;
        for (var i = 0; i < corners; i++)
        {
            var radius = i % 2 == 1 ? inner : outer;
            var angle = MathF.PI * (-0.5f + 2f * i / corners);
            var point = new SKPoint(radius * MathF.Cos(angle), radius * MathF.Sin(angle));
            if (i == 0) path.MoveTo(point);
            else path.LineTo(point);
        }
        path.Close();
        return path;
    }

    private static SKColor Color(Rgb rgb) => new(rgb.R, rgb.G, rgb.B);
}
