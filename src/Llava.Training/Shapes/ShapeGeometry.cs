using SkiaSharp;

namespace Llava.Training.Shapes;

/// <summary>The outline of each shape kind around a centre and radius, shared by the renderer and the boxes.</summary>
public static class ShapeGeometry
{
    public static SKPath Outline(ShapeKind shape, float cx, float cy, float radius)
    {
        var path = new SKPath();
        switch (shape)
        {
            case ShapeKind.Circle:
                path.AddCircle(cx, cy, radius);
                break;
            case ShapeKind.Square:
                // Slightly smaller than the circle's box so both cover similar areas.
                var half = radius * 0.9f;
                path.AddRect(new SKRect(cx - half, cy - half, cx + half, cy + half));
                break;
            case ShapeKind.Triangle:
                AddPolygon(path, cx, cy + radius * 0.15f, 3, radius * 1.15f, radius * 1.15f);
                break;
            case ShapeKind.Star:
                AddPolygon(path, cx, cy + radius * 0.1f, 5, radius * 1.2f, radius * 0.5f);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }
        return path;
    }

    public static BoundingBox Bounds(ShapeKind shape, float cx, float cy, float radius, int imageSize)
    {
        using var path = Outline(shape, cx, cy, radius);
        var bounds = path.Bounds;
        static int Clamp(double v, int size) => Math.Clamp((int)v, 0, size);
        return new BoundingBox(Clamp(Math.Floor(bounds.Left), imageSize), Clamp(Math.Floor(bounds.Top), imageSize),
            Clamp(Math.Ceiling(bounds.Right), imageSize), Clamp(Math.Ceiling(bounds.Bottom), imageSize));
    }

    /// <summary>A regular polygon (inner = outer) or star pointing up, alternating outer and inner vertices.</summary>
    private static void AddPolygon(SKPath path, float cx, float cy, int points, float outer, float inner)
    {
        var star = Math.Abs(outer - inner) > 1e-3f;
        var vertices = star ? points * 2 : points;
        for (var i = 0; i < vertices; i++)
        {
            var r = star && i % 2 == 1 ? inner : outer;
            var angle = -Math.PI / 2 + i * 2 * Math.PI / vertices;
            var x = cx + (float)(r * Math.Cos(angle));
            var y = cy + (float)(r * Math.Sin(angle));
            if (i == 0) path.MoveTo(x, y);
            else path.LineTo(x, y);
        }
        path.Close();
    }
}
