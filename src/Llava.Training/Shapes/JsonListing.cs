using System.Text.Json;

namespace Llava.Training.Shapes;

/// <summary>
/// The structured answer: every shape as <c>{"colour", "shape", "position"}</c> in reading order, the shape of what
/// an application asks for with <c>response_format</c>. A model that has seen this layout in training follows a
/// schema that asks for it with its own knowledge of the picture; one that has not only ever wrote prose, and under a
/// constraint it fills the enums with guesses.
/// </summary>
public static class JsonListing
{
    public static IReadOnlyList<string> Instructions { get; } =
    [
        "List the shapes as JSON.",
        "Return the shapes in the image as JSON.",
        "Give me a JSON list of the shapes with their colour, shape and position.",
        "Answer in JSON: which shapes are in the image, and where?",
    ];

    public static string For(Scene scene)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("shapes");
            foreach (var item in scene.Objects)
            {
                json.WriteStartObject();
                json.WriteString("colour", item.Color.Name);
                json.WriteString("shape", item.Shape.Word());
                json.WriteString("position", item.Position.Name);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        // The spacing of Python's json.dumps, which is what most models saw and what reads best in an answer.
        var compact = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        return compact.Replace("\":", "\": ").Replace(",\"", ", \"").Replace("},{", "}, {");
    }
}
