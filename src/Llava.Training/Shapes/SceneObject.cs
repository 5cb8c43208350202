namespace Llava.Training.Shapes;

/// <summary>Pixel bounding box, inclusive-exclusive: <c>[X0, X1) × [Y0, Y1)</c>.</summary>
public readonly record struct BoundingBox(int X0, int Y0, int X1, int Y1);

/// <summary>One shape of a scene with everything the text generators may say about it.</summary>
/// <param name="Filled">Painted solid rather than drawn as an outline.</param>
/// <param name="Rotation">Clockwise, in degrees, about the centre; 0 is upright (a triangle's tip or a star's point at the top).</param>
public sealed record SceneObject(ShapeKind Shape, ShapeColor Color, bool Large, GridPosition Position, float CenterX,
    float CenterY, float Radius, BoundingBox Box, bool Filled = true, double Rotation = 0)
{
    public string SizeWord => Large ? "large" : "small";

    /// <summary>How questions refer to it: "red circle" (colour and shape are unique within a scene).</summary>
    public string Reference => $"{Color.Name} {Shape.Word()}";

    /// <summary>"large red circle".</summary>
    public string FullName => $"{SizeWord} {Reference}";
}
