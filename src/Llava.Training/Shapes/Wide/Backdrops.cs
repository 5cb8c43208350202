namespace Llava.Training.Shapes.Wide;

/// <summary>Draws the backdrops of the wide world: white, greys, light tints, dark shades, gradients, some with noise.</summary>
public static class Backdrops
{
    /// <summary>Hues a tinted or shaded backdrop takes: the shape colours plus two no shape has.</summary>
    private static readonly (string Name, Rgb Color)[] Hues =
        [.. ShapeColor.All.Select(c => (c.Name, Rgb.Of(c))), ("pink", new Rgb(235, 90, 160)), ("cyan", new Rgb(40, 190, 210))];

    public static Backdrop Draw(Random random)
    {
        var backdrop = random.NextDouble() switch
        {
            < 0.2 => new Backdrop(Rgb.White, Rgb.White, 0, 0, "white"),
            < 0.45 => Gray(random.Next(70, 251)),
            < 0.6 => Tint(random),
            < 0.75 => Shade(random),
            _ => Gradient(random),
        };
        if (random.NextDouble() >= 0.25) return backdrop;
        return backdrop with { Noise = random.Next(3, 13), Name = "noisy " + backdrop.Name };
    }

    /// <summary>The plain white or light grey a first experiment uses.</summary>
    public static Backdrop Plain(Random random) =>
        random.Next(2) == 0 ? new Backdrop(Rgb.White, Rgb.White, 0, 0, "white") : Gray(random.Next(200, 256));

    public static string GrayName(int level) => level switch
    {
        >= 250 => "white",
        >= 200 => "light gray",
        >= 110 => "gray",
        _ => "dark gray",
    };

    private static Backdrop Gray(int level) => new(Rgb.Gray(level), Rgb.Gray(level), 0, 0, GrayName(level));

    private static Backdrop Tint(Random random)
    {
        var (name, color) = Hues[random.Next(Hues.Length)];
        var tint = color.Mix(Rgb.White, 0.7 + 0.2 * random.NextDouble());
        return new(tint, tint, 0, 0, "light " + name);
    }

    private static Backdrop Shade(Random random)
    {
        var (name, color) = Hues[random.Next(Hues.Length)];
        var shade = color.Mix(Rgb.Black, 0.55 + 0.25 * random.NextDouble());
        return new(shade, shade, 0, 0, "dark " + name);
    }

    /// <summary>Two ends of one family — two greys, a tint fading to white, or a shade darkening — so one name fits.</summary>
    private static Backdrop Gradient(Random random)
    {
        var angle = random.NextDouble() * 360;
        switch (random.Next(3))
        {
            case 0:
                var light = random.Next(150, 256);
                return new(Rgb.Gray(light), Rgb.Gray(light - random.Next(30, 100)), angle, 0, "gradient");
            case 1:
                var tint = Tint(random);
                return new(tint.From, Rgb.White, angle, 0, "gradient");
            default:
                var shade = Shade(random);
                return new(shade.From, shade.From.Mix(Rgb.Black, 0.6), angle, 0, "gradient");
        }
    }
}
