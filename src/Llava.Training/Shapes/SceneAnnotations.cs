using System.Text.Json;

namespace Llava.Training.Shapes;

/// <summary>
/// One object of a scene as the instruction-data generator sees it: words plus a normalised box, and how it is drawn
/// where the scene file records it (files written before these fields, or by other tools, leave them null).
/// </summary>
/// <param name="Filled">Painted solid (true) or drawn as an outline (false).</param>
/// <param name="Rotation">Clockwise, in degrees; 0 is upright.</param>
public sealed record ObjectAnnotation(string Shape, string Color, string Size, string Position, double[] Box, bool? Filled = null,
    double? Rotation = null);

/// <summary>
/// What a captioned, boxed image dataset provides (COCO captions plus boxes in LLaVA's case): the image, its
/// caption(s), and the objects with boxes normalised to [0, 1] as <c>[x0, y0, x1, y1]</c>.
/// </summary>
public sealed record SceneAnnotation(string Id, string Image, IReadOnlyList<string> Captions, IReadOnlyList<ObjectAnnotation> Objects)
{
    public static SceneAnnotation From(Scene scene, string image)
    {
        double Norm(int v) => Math.Round(v / (double)scene.ImageSize, 2);
        var objects = scene.Objects.Select(o => new ObjectAnnotation(o.Shape.Word(), o.Color.Name, o.SizeWord, o.Position.Name,
            [Norm(o.Box.X0), Norm(o.Box.Y0), Norm(o.Box.X1), Norm(o.Box.Y1)], o.Filled, Math.Round(o.Rotation, 1))).ToList();
        return new SceneAnnotation(scene.Id, image, [SceneText.Caption(scene)], objects);
    }
}

public static class SceneAnnotationsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write(string path, IEnumerable<SceneAnnotation> scenes) =>
        File.WriteAllText(path, JsonSerializer.Serialize(scenes.ToList(), Options));

    /// <exception cref="InvalidDataException">The file is not a list of scene annotations.</exception>
    public static IReadOnlyList<SceneAnnotation> Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<List<SceneAnnotation>>(File.ReadAllText(path), Options)
                ?? throw new InvalidDataException($"{path} holds no scenes");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid scene file: {e.Message}", e);
        }
    }
}
