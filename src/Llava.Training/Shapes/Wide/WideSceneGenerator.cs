namespace Llava.Training.Shapes.Wide;

/// <summary>
/// Draws scenes of the wide shapes world from a seeded stream: 1–3 shapes of distinct kinds and colours at free
/// positions (named by the 3×3 cell their centre falls in, never within 4 % of the side of a cell border), half-extents
/// from 4 % to 35 % of the side, any rotation, filled or outlined, aliased or anti-aliased, in shades around the
/// named colours, on white, grey, tinted, shaded or gradient backdrops with or without noise, in square and
/// non-square PNG and JPEG images. A share of scenes is "plain" — one large, upright, filled shape near the centre on
/// white or light grey — the picture a newcomer draws first.
/// </summary>
public sealed class WideSceneGenerator(int seed, double plainShare = 0.1)
{
    /// <summary>Diameter ranges as fractions of the crop side; the gap between them keeps "large" and "small" clear.</summary>
    public const double SmallMin = 0.08, SmallMax = 0.215, LargeMin = 0.265, LargeMax = 0.7;

    private const double EdgeMargin = 0.02, CellMargin = 0.04, Gap = 0.02, MinContrast = 90;
    private static readonly int[] Sides = [72, 72, 96, 120, 144];

    private readonly Random _random = new(seed);

    public WideScene Next(string id)
    {
        if (_random.NextDouble() < plainShare) return Plain(id);
        var side = Sides[_random.Next(Sides.Length)];
        var backdrop = Backdrops.Draw(_random);
        while (true)
        {
            var count = _random.Next(1, SceneGenerator.MaxObjects + 1);
            var colors = ShapeColor.All.Where(c => Contrasts(Rgb.Of(c), backdrop)).OrderBy(_ => _random.Next()).Take(count).ToList();
            var shapes = ShapeKinds.All.OrderBy(_ => _random.Next()).Take(colors.Count).ToList();
            var placed = Place(shapes, side);
            if (placed is null) continue;
            var objects = new List<(SceneObject Item, ShapeStyle Style)>();
            for (var i = 0; i < placed.Count; i++)
                objects.Add(Dress(shapes[i], colors[i], placed[i], side, backdrop));
            return Assemble(id, side, backdrop, objects, Encoding());
        }
    }

    private WideScene Plain(string id)
    {
        var side = Sides[_random.Next(Sides.Length)];
        var shape = ShapeKinds.All[_random.Next(ShapeKinds.All.Count)];
        var color = ShapeColor.All[_random.Next(ShapeColor.All.Count)];
        var radius = side * (0.2 + 0.13 * _random.NextDouble()) / ShapeOutline.Reach(shape);
        var cx = side / 2.0 + (_random.NextDouble() - 0.5) * side * 0.06;
        var cy = side / 2.0 + (_random.NextDouble() - 0.5) * side * 0.06;
        var style = ShapeStyle.Plain(color);
        var item = Item(shape, color, radius, cx, cy, side, style);
        return Assemble(id, side, Backdrops.Plain(_random), [(item, style)], ImageEncoding.Png);
    }

    private WideScene Assemble(string id, int side, Backdrop backdrop, List<(SceneObject Item, ShapeStyle Style)> objects, ImageEncoding encoding)
    {
        objects.Sort((a, b) => (a.Item.Position.Row, a.Item.Position.Column).CompareTo((b.Item.Position.Row, b.Item.Position.Column)));
        var (width, height) = Canvas(side);
        var scene = new Scene(id, side, backdrop.From.R, objects.Select(o => o.Item).ToList()) { BackgroundName = backdrop.Name };
        return new WideScene(scene, width, height, backdrop, objects.Select(o => o.Style).ToList(), encoding);
    }

    /// <summary>Centres and half-extents for the shapes, or null when this draw did not fit them all.</summary>
    private List<(double X, double Y, double Radius, bool Large)>? Place(List<ShapeKind> shapes, int side)
    {
        var placed = new List<(double X, double Y, double Radius, bool Large)>();
        var cells = new HashSet<GridPosition>();
        foreach (var shape in shapes)
        {
            var large = _random.Next(2) == 1;
            var found = false;
            for (var attempt = 0; attempt < 60 && !found; attempt++)
            {
                // Three large shapes rarely fit: after a while the one that does not becomes small.
                if (attempt == 30) large = false;
                var diameter = large ? Uniform(LargeMin, LargeMax) : Uniform(SmallMin, SmallMax);
                var radius = diameter * side / 2;
                var reach = radius * ShapeOutline.Reach(shape) + EdgeMargin * side;
                if (reach * 2 >= side) continue;
                var x = Uniform(reach, side - reach);
                var y = Uniform(reach, side - reach);
                if (NearCellBorder(x / side) || NearCellBorder(y / side)) continue;
                var cell = Cell(x, y, side);
                if (cells.Contains(cell)) continue;
                if (placed.Zip(shapes).Any(p => Math.Sqrt(Math.Pow(p.First.X - x, 2) + Math.Pow(p.First.Y - y, 2))
                        < p.First.Radius * ShapeOutline.Reach(p.Second) + radius * ShapeOutline.Reach(shape) + Gap * side))
                    continue;
                placed.Add((x, y, radius, large));
                cells.Add(cell);
                found = true;
            }
            if (!found) return null;
        }
        return placed;
    }

    private (SceneObject, ShapeStyle) Dress(ShapeKind shape, ShapeColor color, (double X, double Y, double Radius, bool Large) at,
        int side, Backdrop backdrop)
    {
        var shade = Shade(color, backdrop);
        var diameter = 2 * at.Radius / side;
        // Outlines of the smallest shapes are a few pixels of colour: too little to name a shape or colour by.
        var filled = diameter < 0.2 || _random.NextDouble() < 0.7;
        var stroke = filled ? 0 : Math.Min(new[] { 1.5, 2.5, 4, 6 }[_random.Next(4)] * side / 72, at.Radius / 2);
        var style = new ShapeStyle(shade, shape == ShapeKind.Circle ? 0 : _random.NextDouble() * 360, filled, stroke,
            _random.NextDouble() < 0.75, Uniform(0.38, 0.55));
        return (Item(shape, color, at.Radius, at.X, at.Y, side, style), style);
    }

    private static SceneObject Item(ShapeKind shape, ShapeColor color, double radius, double cx, double cy, int side, ShapeStyle style) =>
        new(shape, color, 2 * radius / side >= LargeMin, Cell(cx, cy, side), (float)cx, (float)cy, (float)radius,
            ShapeOutline.Bounds(shape, cx, cy, radius, style.Rotation, style.StarInner, side), style.Filled, style.Rotation);

    /// <summary>A shade around the named colour (hue ±7°, a little less saturated or darker) that still stands out from the backdrop.</summary>
    private Rgb Shade(ShapeColor color, Backdrop backdrop)
    {
        var (hue, saturation, value) = Rgb.Of(color).ToHsv();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var shade = Rgb.FromHsv(hue + Uniform(-7, 7), Math.Min(1, saturation * Uniform(0.8, 1.1)), Math.Min(1, value * Uniform(0.88, 1.1)));
            if (Contrasts(shade, backdrop)) return shade;
        }
        return Rgb.Of(color);
    }

    private static bool Contrasts(Rgb color, Backdrop backdrop) =>
        color.Distance(backdrop.From) >= MinContrast && color.Distance(backdrop.To) >= MinContrast;

    private static bool NearCellBorder(double fraction) =>
        Math.Abs(fraction - 1.0 / 3) < CellMargin || Math.Abs(fraction - 2.0 / 3) < CellMargin;

    private static GridPosition Cell(double x, double y, int side) =>
        new(Math.Min(GridPosition.Size - 1, (int)(y * GridPosition.Size / side)), Math.Min(GridPosition.Size - 1, (int)(x * GridPosition.Size / side)));

    /// <summary>Square, or longer on one axis by an even number of pixels so the crop square sits exactly in the middle.</summary>
    private (int Width, int Height) Canvas(int side)
    {
        if (_random.NextDouble() < 0.65) return (side, side);
        var longer = side + 2 * (int)Math.Round(Uniform(0.08, 0.3) * side);
        return _random.Next(2) == 0 ? (longer, side) : (side, longer);
    }

    private ImageEncoding Encoding() =>
        _random.NextDouble() < 0.25 ? new ImageEncoding(true, _random.Next(50, 96)) : ImageEncoding.Png;

    private double Uniform(double low, double high) => low + (high - low) * _random.NextDouble();
}
