namespace Llava.Training.Shapes;

/// <summary>Draws random scenes from a seeded stream: the same seed always gives the same scenes.</summary>
public sealed class SceneGenerator(int seed, int imageSize = SceneGenerator.DefaultImageSize)
{
    public const int DefaultImageSize = 72;
    public const int MaxObjects = 3;

    private readonly Random _random = new(seed);

    public Scene Next(string id)
    {
        var count = _random.Next(1, MaxObjects + 1);
        var cells = Pick(GridPosition.Size * GridPosition.Size, count);
        var shapes = Pick(ShapeKinds.All.Count, count);
        var colors = Pick(ShapeColor.All.Count, count);
        var cell = imageSize / (float)GridPosition.Size;
        var objects = new List<SceneObject>(count);
        for (var i = 0; i < count; i++)
        {
            var position = new GridPosition(cells[i] / GridPosition.Size, cells[i] % GridPosition.Size);
            var large = _random.Next(2) == 1;
            // Radii of 0.3 and 0.42 cells: far enough apart that "large" is never a judgement call, and large enough
            // that colour and outline dominate what a patch embedding sees of the cell.
            var radius = cell * (large ? 0.42f : 0.3f) + (float)(_random.NextDouble() - 0.5) * cell * 0.04f;
            var slack = Math.Max(0f, cell / 2 - radius * 1.2f - 1);
            var cx = (position.Column + 0.5f) * cell + Jitter(slack);
            var cy = (position.Row + 0.5f) * cell + Jitter(slack);
            var shape = ShapeKinds.All[shapes[i]];
            objects.Add(new SceneObject(shape, ShapeColor.All[colors[i]], large, position, cx, cy, radius,
                ShapeGeometry.Bounds(shape, cx, cy, radius, imageSize)));
        }
        objects.Sort((a, b) => (a.Position.Row, a.Position.Column).CompareTo((b.Position.Row, b.Position.Column)));
        var background = (byte)_random.Next(234, 247);
        return new Scene(id, imageSize, background, objects);
    }

    /// <summary>Per-channel colour jitter for rendering, drawn from the same stream so renders are reproducible.</summary>
    public int ColorJitter() => _random.Next(-8, 9);

    private float Jitter(float slack) => (float)(_random.NextDouble() * 2 - 1) * slack;

    private int[] Pick(int population, int count)
    {
        var items = Enumerable.Range(0, population).ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = _random.Next(i, population);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items[..count];
    }
}
