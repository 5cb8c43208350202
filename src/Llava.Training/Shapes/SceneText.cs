namespace Llava.Training.Shapes;

/// <summary>Ground-truth sentences about a scene: the captions of stage 1 and the building blocks of answers.</summary>
public static class SceneText
{
    public static IReadOnlyList<string> NumberWords { get; } = ["zero", "one", "two", "three", "four"];

    public static string Number(int count) => NumberWords[count];

    /// <summary>"one shape", "two shapes".</summary>
    public static string CountShapes(int count) => count == 1 ? "one shape" : $"{Number(count)} shapes";

    /// <summary>"There is one shape." / "There are three shapes."</summary>
    public static string CountSentence(int count) =>
        count == 1 ? "There is one shape." : $"There are {Number(count)} shapes.";

    /// <summary>"a large red circle at the top left".</summary>
    public static string Located(SceneObject item) => $"a {item.FullName} {item.Position.Phrase}";

    /// <summary>Joins "x", "x and y", "x, y and z".</summary>
    public static string List(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };

    /// <summary>The short caption stage 1 aligns on: "A large red circle at the top left and a small blue star on the right."</summary>
    public static string Caption(Scene scene) => Capitalize(List(scene.Objects.Select(Located).ToList())) + ".";

    /// <summary>The long description: count, background, then one sentence per shape in reading order.</summary>
    public static string Description(Scene scene)
    {
        var sentences = new List<string>
        {
            $"The image shows {CountShapes(scene.Objects.Count)} on a {scene.BackgroundName} background.",
        };
        foreach (var item in scene.Objects)
            sentences.Add($"A {item.FullName} is {item.Position.Phrase}.");
        return string.Join(' ', sentences);
    }

    /// <summary>
    /// <c>{"shapes": [{"colour": "green", "shape": "star", "position": "top left"}, …]}</c>, spaced as Python's
    /// <c>json.dumps</c> spaces it (which the JSON constraint's bounded whitespace allows).
    /// </summary>
    public static string JsonListing(Scene scene) =>
        "{\"shapes\": [" + string.Join(", ", scene.Objects.Select(o =>
            $"{{\"colour\": \"{o.Color.Name}\", \"shape\": \"{o.Shape.Word()}\", \"position\": \"{o.Position.Name}\"}}")) + "]}";

    public static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
