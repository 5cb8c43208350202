using Llava.Training.Shapes.Wide;

namespace Llava.Training.Shapes;

/// <summary>
/// Which pictures the shapes dataset holds. <see cref="Classic"/> is the first demo's world — flat shapes centred in
/// a 3×3 grid on light grey, two sizes, drawn with SkiaSharp — that the shipped llava-shapes-tiny was trained on;
/// <see cref="Wide"/> varies everything a newcomer's picture may vary (see <see cref="WideSceneGenerator"/>), drawn by
/// the trainer's own <see cref="SceneRasterizer"/>.
/// </summary>
public enum ShapesWorld
{
    Classic,
    Wide,
}
