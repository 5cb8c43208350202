using System.Globalization;
using Llava.Training.Shapes;

namespace Llava.Training.InstructGen;

/// <summary>
/// The symbolic view of an image that the text-only model reads, as in the LLaVA paper: the captions, then one line
/// per object with its box as normalised <c>[x0, y0, x1, y1]</c>.
/// </summary>
public static class SceneContext
{
    public static string Format(SceneAnnotation scene)
    {
        var lines = new List<string>(scene.Captions);
        lines.Add("");
        foreach (var item in scene.Objects)
        {
            var box = string.Join(", ", item.Box.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
            lines.Add($"{item.Size} {item.Color} {item.Shape}: [{box}]");
        }
        return string.Join('\n', lines);
    }
}
