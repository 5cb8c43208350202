namespace Llava.Training.Shapes.Wide;

/// <summary>An 8-bit sRGB colour, with the few operations the wide shapes world mixes colours with.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb White { get; } = new(255, 255, 255);

    public static Rgb Black { get; } = new(0, 0, 0);

    public static Rgb Gray(int level) => new(Byte(level), Byte(level), Byte(level));

    public static Rgb Of(ShapeColor color) => new(color.R, color.G, color.B);

    /// <summary>The colour a fraction <paramref name="t"/> of the way towards <paramref name="other"/>.</summary>
    public Rgb Mix(Rgb other, double t) =>
        new(Byte(R + (other.R - R) * t), Byte(G + (other.G - G) * t), Byte(B + (other.B - B) * t));

    /// <summary>Euclidean distance in RGB: the contrast check between a shape and what it is drawn on.</summary>
    public double Distance(Rgb other) =>
        Math.Sqrt(Math.Pow(R - other.R, 2) + Math.Pow(G - other.G, 2) + Math.Pow(B - other.B, 2));

    /// <summary>Hue in degrees [0, 360), saturation and value in [0, 1].</summary>
    public (double Hue, double Saturation, double Value) ToHsv()
    {
        double r = R / 255.0, g = G / 255.0, b = B / 255.0;
        var max = Math.Max(r, Math.Max(g, b));
        var delta = max - Math.Min(r, Math.Min(g, b));
        var hue = delta == 0 ? 0
            : max == r ? 60 * ((g - b) / delta % 6)
            : max == g ? 60 * ((b - r) / delta + 2)
            : 60 * ((r - g) / delta + 4);
        return ((hue + 360) % 360, max == 0 ? 0 : delta / max, max);
    }

    public static Rgb FromHsv(double hue, double saturation, double value)
    {
        hue = (hue % 360 + 360) % 360;
        var c = value * saturation;
        var x = c * (1 - Math.Abs(hue / 60 % 2 - 1));
        var (r, g, b) = (int)(hue / 60) switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        var m = value - c;
        return new(Byte((r + m) * 255), Byte((g + m) * 255), Byte((b + m) * 255));
    }

    private static byte Byte(double value) => (byte)Math.Clamp((int)Math.Round(value), 0, 255);
}
