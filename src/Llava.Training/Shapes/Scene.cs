namespace Llava.Training.Shapes;

/// <summary>
/// A rendered image's ground truth: 1–3 shapes with distinct shapes, colours and grid cells (so "the circle" or
/// "the red shape" always names one object), listed in reading order.
/// </summary>
public sealed record Scene(string Id, int ImageSize, byte Background, IReadOnlyList<SceneObject> Objects)
{
    /// <summary>How the description names what the shapes are drawn on.</summary>
    public string BackgroundName { get; init; } = "light gray";

    public SceneObject? Find(ShapeKind shape) => Objects.FirstOrDefault(o => o.Shape == shape);
}
