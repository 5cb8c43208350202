namespace Llava.Training.Shapes.Wide;

/// <summary>How one shape of a wide scene is drawn; what it is and where is in its <see cref="SceneObject"/>.</summary>
/// <param name="Color">The shade actually painted, near the object's named colour.</param>
/// <param name="Rotation">Clockwise, in degrees, about the shape's centre.</param>
/// <param name="StrokeWidth">Outline width in pixels of the crop square; only for shapes that are not filled.</param>
/// <param name="StarInner">A star's inner radius as a fraction of its outer one.</param>
public sealed record ShapeStyle(Rgb Color, double Rotation, bool Filled, double StrokeWidth, bool Antialiased, double StarInner)
{
    public static ShapeStyle Plain(ShapeColor color) => new(Rgb.Of(color), 0, true, 0, true, 0.45);
}
