namespace Llava.Training.Shapes;

/// <summary>A named colour of the shapes world; rendered with a little per-object jitter around its RGB value.</summary>
public sealed record ShapeColor(string Name, byte R, byte G, byte B)
{
    public static IReadOnlyList<ShapeColor> All { get; } =
    [
        new("red", 215, 35, 35),
        new("orange", 245, 140, 25),
        new("yellow", 235, 215, 30),
        new("green", 40, 165, 60),
        new("blue", 35, 80, 215),
        new("purple", 135, 55, 185),
    ];

    public static ShapeColor Named(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"unknown colour '{name}'", nameof(name));
}
