namespace Llava.Training.Shapes.Wide;

/// <summary>
/// What the shapes are drawn on: a solid colour (<see cref="From"/> = <see cref="To"/>) or a linear gradient across
/// the image at <see cref="AngleDegrees"/>, with optional per-pixel noise of ±<see cref="Noise"/> levels.
/// </summary>
/// <param name="Name">How descriptions name it: "white", "light gray", "dark blue", "gradient", "noisy white".</param>
public sealed record Backdrop(Rgb From, Rgb To, double AngleDegrees, int Noise, string Name)
{
    public bool IsGradient => From != To;

    /// <summary>The colour at a point: its position projected on the gradient's direction, from one image edge to the other.</summary>
    public Rgb At(double x, double y, int width, int height)
    {
        if (!IsGradient) return From;
        var angle = AngleDegrees * Math.PI / 180;
        var (dx, dy) = (Math.Cos(angle), Math.Sin(angle));
        var reach = (Math.Abs(dx) * width + Math.Abs(dy) * height) / 2;
        var t = ((x - width / 2.0) * dx + (y - height / 2.0) * dy) / reach;
        return From.Mix(To, Math.Clamp((t + 1) / 2, 0, 1));
    }
}
