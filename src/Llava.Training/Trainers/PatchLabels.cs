using Llava.Training.Shapes;

namespace Llava.Training.Trainers;

/// <summary>
/// Dense targets for the vision tower from a scene's boxes: each patch of the square the tower sees is labelled with
/// the shape and colour of the object whose box holds the patch's centre (the nearest box centre where boxes
/// overlap), or 0 for background; <see cref="PatchLabelRegion"/> can instead, or also, name the patch that holds each
/// object's centre. Every patch of an object's region carries the object's identity, so a patch inside
/// an outlined square or at a triangle's flat side must be named from its context — the attention learns what a
/// shape is, which an image-level caption loss reaches only through one pooled token.
/// </summary>
public sealed class PatchLabels
{
    private readonly Dictionary<string, int> _shapes;
    private readonly Dictionary<string, int> _colors;
    private readonly PatchLabelRegion _region;
    private readonly PatchLabelBalance _balance;

    /// <param name="objects">Every object of the training data, which fixes the two vocabularies.</param>
    public PatchLabels(IEnumerable<ObjectAnnotation> objects, PatchLabelRegion region = PatchLabelRegion.Box,
        PatchLabelBalance balance = PatchLabelBalance.Patch)
    {
        _region = region;
        _balance = balance;
        var list = objects.ToList();
        _shapes = Vocabulary(list.Select(o => o.Shape));
        _colors = Vocabulary(list.Select(o => o.Color));
    }

    /// <summary>Classes of the shape head, background included.</summary>
    public int ShapeClasses => _shapes.Count + 1;

    /// <summary>Classes of the colour head, background included.</summary>
    public int ColorClasses => _colors.Count + 1;

    /// <summary>Words of the shape head's classes by index: "background" for 0, then the shapes in vocabulary order.</summary>
    public IReadOnlyList<string> ShapeNames => ["background", .. _shapes.OrderBy(p => p.Value).Select(p => p.Key)];

    /// <summary>Shape and colour class of each patch of a <paramref name="grid"/>×<paramref name="grid"/> tower, row-major.</summary>
    public (long[] Shapes, long[] Colors) For(IReadOnlyList<ObjectAnnotation> objects, int grid) => Classes(Owners(objects, grid));

    private (long[] Shapes, long[] Colors) Classes(ObjectAnnotation?[] owners)
    {
        var shapes = new long[owners.Length];
        var colors = new long[owners.Length];
        for (var patch = 0; patch < owners.Length; patch++)
        {
            if (owners[patch] is not { } owner) continue;
            shapes[patch] = _shapes.GetValueOrDefault(owner.Shape);
            colors[patch] = _colors.GetValueOrDefault(owner.Color);
        }
        return (shapes, colors);
    }

    /// <summary>
    /// The object each patch of a <paramref name="grid"/>×<paramref name="grid"/> tower is named after, row-major; null
    /// for background. An object's patches under this region, the ones <see cref="For(IReadOnlyList{ObjectAnnotation}, int)"/> labels.
    /// </summary>
    public ObjectAnnotation?[] Owners(IReadOnlyList<ObjectAnnotation> objects, int grid)
    {
        var owners = new ObjectAnnotation?[grid * grid];
        static (double X, double Y) Centre(ObjectAnnotation o) => ((o.Box[0] + o.Box[2]) / 2, (o.Box[1] + o.Box[3]) / 2);
        for (var row = 0; row < grid; row++)
        {
            for (var column = 0; column < grid; column++)
            {
                var (x, y) = ((column + 0.5) / grid, (row + 0.5) / grid);
                // A centre's patch goes to its own object before any box that merely covers it.
                var centredHere = _region == PatchLabelRegion.Box ? []
                    : objects.Where(o => Cell(Centre(o).X, grid) == column && Cell(Centre(o).Y, grid) == row).ToList();
                var candidates = centredHere.Count > 0 || _region == PatchLabelRegion.Centre ? centredHere
                    : objects.Where(o => (o.Box[0] <= x && x < o.Box[2] && o.Box[1] <= y && y < o.Box[3])
                        || (_region == PatchLabelRegion.Cover && HeldShare(o, column, row, grid) >= CoverShare));
                owners[row * grid + column] = candidates.OrderBy(o => Math.Pow(Centre(o).X - x, 2) + Math.Pow(Centre(o).Y - y, 2)).FirstOrDefault();
            }
        }
        return owners;
    }

    /// <summary>The share of an object's box that a patch must hold to be named after it under <see cref="PatchLabelRegion.Cover"/>.</summary>
    public const double CoverShare = 0.2;

    /// <summary>How much of an object's box area lies inside the patch at <paramref name="column"/>, <paramref name="row"/>.</summary>
    private static double HeldShare(ObjectAnnotation o, int column, int row, int grid)
    {
        var width = Math.Min(o.Box[2], (column + 1.0) / grid) - Math.Max(o.Box[0], (double)column / grid);
        var height = Math.Min(o.Box[3], (row + 1.0) / grid) - Math.Max(o.Box[1], (double)row / grid);
        var area = (o.Box[2] - o.Box[0]) * (o.Box[3] - o.Box[1]);
        return width <= 0 || height <= 0 || area <= 0 ? 0 : width * height / area;
    }

    /// <summary>The column (or row) of a <paramref name="grid"/>-wide grid that holds a normalised coordinate.</summary>
    private static int Cell(double coordinate, int grid) => Math.Clamp((int)(coordinate * grid), 0, grid - 1);

    /// <summary>What the loss and the probe need of every patch of several scenes, one scene after another, as the
    /// heads' flattened batch has them.</summary>
    /// <param name="Weights">Each patch's loss weight: ones, or under <see cref="PatchLabelBalance.Object"/> one over the
    /// number of patches named after the same object (or, for background, in the same scene's background).</param>
    public sealed record Targets(long[] Shapes, long[] Colors, float[] Weights, ObjectAnnotation?[] Owners);

    /// <summary>The <see cref="Targets"/> of several scenes, each scene's owners worked out once.</summary>
    public Targets For(IReadOnlyList<IReadOnlyList<ObjectAnnotation>> scenes, int grid)
    {
        var patches = grid * grid;
        var targets = new Targets(new long[scenes.Count * patches], new long[scenes.Count * patches],
            new float[scenes.Count * patches], new ObjectAnnotation?[scenes.Count * patches]);
        for (var s = 0; s < scenes.Count; s++)
        {
            var owners = Owners(scenes[s], grid);
            var (shape, color) = Classes(owners);
            shape.CopyTo(targets.Shapes, s * patches);
            color.CopyTo(targets.Colors, s * patches);
            Weights(owners).CopyTo(targets.Weights, s * patches);
            owners.CopyTo(targets.Owners, s * patches);
        }
        return targets;
    }

    private float[] Weights(ObjectAnnotation?[] owners)
    {
        var weights = new float[owners.Length];
        if (_balance == PatchLabelBalance.Patch)
        {
            Array.Fill(weights, 1f);
            return weights;
        }
        var background = owners.Count(o => o is null);
        var sizes = new Dictionary<ObjectAnnotation, int>(ReferenceEqualityComparer.Instance);
        foreach (var owner in owners.OfType<ObjectAnnotation>())
            sizes[owner] = sizes.GetValueOrDefault(owner) + 1;
        for (var patch = 0; patch < owners.Length; patch++)
            weights[patch] = 1f / (owners[patch] is { } owner ? sizes[owner] : background);
        return weights;
    }

    /// <summary>Words numbered from 1 in ordinal order; an unseen word maps to 0 through <c>GetValueOrDefault</c>.</summary>
    private static Dictionary<string, int> Vocabulary(IEnumerable<string> words) =>
        words.Distinct().Order(StringComparer.Ordinal).Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i + 1);
}
