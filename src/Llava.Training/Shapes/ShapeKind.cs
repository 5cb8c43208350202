namespace Llava.Training.Shapes;

public enum ShapeKind
{
    Circle,
    Square,
    Triangle,
    Star,
}

public static class ShapeKinds
{
    public static IReadOnlyList<ShapeKind> All { get; } = Enum.GetValues<ShapeKind>();

    /// <summary>The word used in captions and answers, e.g. "circle".</summary>
    public static string Word(this ShapeKind kind) => kind.ToString().ToLowerInvariant();
}
