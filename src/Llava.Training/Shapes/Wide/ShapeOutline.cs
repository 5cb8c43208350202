namespace Llava.Training.Shapes.Wide;

/// <summary>
/// The geometry of the wide world's shapes around a centre (for triangles and stars, the centroid of their outer
/// points) with a half-extent <c>r</c>: a circle of radius r, a square of half-side 0.9r, an equilateral triangle and
/// a five-pointed star whose outer points lie on circles of 1.15r and 1.1r. Positions are named from the centre.
/// </summary>
public static class ShapeOutline
{
    /// <summary>How far the shape reaches from its centre in any rotation, as a multiple of r.</summary>
    public static double Reach(ShapeKind shape) => shape switch
    {
        ShapeKind.Circle => 1,
        ShapeKind.Square => 0.9 * Math.Sqrt(2),
        ShapeKind.Triangle => 1.15,
        ShapeKind.Star => 1.1,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    /// <summary>The polygon's corners, clockwise on screen; a circle has none.</summary>
    public static (double X, double Y)[] Corners(ShapeKind shape, double cx, double cy, double r, double rotation, double starInner)
    {
        var points = shape switch
        {
            ShapeKind.Circle => [],
            ShapeKind.Square => Regular(4, 0.9 * Math.Sqrt(2) * r, 0.9 * Math.Sqrt(2) * r, -135),
            ShapeKind.Triangle => Regular(3, 1.15 * r, 1.15 * r, -90),
            ShapeKind.Star => Regular(10, 1.1 * r, 1.1 * r * starInner, -90),
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
        var turn = rotation * Math.PI / 180;
        var (cos, sin) = (Math.Cos(turn), Math.Sin(turn));
        return points.Select(p => (cx + p.X * cos - p.Y * sin, cy + p.X * sin + p.Y * cos)).ToArray();
    }

    public static BoundingBox Bounds(ShapeKind shape, double cx, double cy, double r, double rotation, double starInner, int imageSize)
    {
        var corners = Corners(shape, cx, cy, r, rotation, starInner);
        if (corners.Length == 0) corners = [(cx - r, cy - r), (cx + r, cy + r)];
        static int Clamp(double v, int size) => Math.Clamp((int)v, 0, size);
        return new BoundingBox(Clamp(Math.Floor(corners.Min(p => p.X)), imageSize), Clamp(Math.Floor(corners.Min(p => p.Y)), imageSize),
            Clamp(Math.Ceiling(corners.Max(p => p.X)), imageSize), Clamp(Math.Ceiling(corners.Max(p => p.Y)), imageSize));
    }

    /// <summary>Alternating outer and inner radii (equal for a regular polygon), the first point at <paramref name="startDegrees"/>.</summary>
    private static (double X, double Y)[] Regular(int vertices, double outer, double inner, double startDegrees) =>
        Enumerable.Range(0, vertices).Select(i =>
        {
            var radius = i % 2 == 1 ? inner : outer;
            var angle = (startDegrees + i * 360.0 / vertices) * Math.PI / 180;
            return (radius * Math.Cos(angle), radius * Math.Sin(angle));
        }).ToArray();
}
