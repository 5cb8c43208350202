namespace Llava.Training.Shapes.Wide;

/// <summary>
/// A scene of the wide world with how to draw it. The <see cref="Scene"/>'s coordinates are those of the centre
/// square of side <see cref="Scene.ImageSize"/> that the CLIP processor keeps; a non-square image extends it equally on
/// both sides of its long axis with backdrop only, so every answer is about what survives the crop.
/// </summary>
public sealed record WideScene(Scene Scene, int Width, int Height, Backdrop Backdrop, IReadOnlyList<ShapeStyle> Styles, ImageEncoding Encoding)
{
    /// <summary>Where the crop square's top left corner lies in the image.</summary>
    public (int X, int Y) CropOffset => ((Width - Scene.ImageSize) / 2, (Height - Scene.ImageSize) / 2);
}
