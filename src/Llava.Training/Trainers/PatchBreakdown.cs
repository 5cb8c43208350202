using Llava.Training.Shapes;

namespace Llava.Training.Trainers;

/// <summary>
/// Object-patch accuracy of a <see cref="PatchAttributeHead"/> split by what kind of object the patch belongs to —
/// its size, whether it is filled or outlined, upright or rotated, and its shape — and, for shape, which class each
/// object patch was taken for. <see cref="PatchAccuracy"/> says how well a tower names shapes; this says which shapes
/// it fails on. A patch counts in every group its object belongs to (a small outlined rotated star in four). Beside
/// the patch counts, each object is "named" when its patches' commonest prediction is its own class — what a reader
/// of all its patches (the language model) could answer, and the one figure that compares towers of different patch
/// sizes, whose large objects have different shares of hard edge patches.
/// </summary>
public sealed class PatchBreakdown
{
    /// <summary>Accuracy over the object patches of one group, and over the objects they came from.</summary>
    public sealed record Group(string Name, long Objects, long ObjectPatches, long ShapeCorrect, long ColorCorrect, long ShapeNamed, long ColorNamed)
    {
        public double ObjectShape => ObjectPatches == 0 ? double.NaN : ShapeCorrect / (double)ObjectPatches;
        public double ObjectColor => ObjectPatches == 0 ? double.NaN : ColorCorrect / (double)ObjectPatches;
        public double NamedShape => Objects == 0 ? double.NaN : ShapeNamed / (double)Objects;
        public double NamedColor => Objects == 0 ? double.NaN : ColorNamed / (double)Objects;
    }

    /// <summary>Upper bounds of the size buckets: the longer side of an object's box as a fraction of the crop side.</summary>
    public static readonly IReadOnlyList<(double Below, string Name)> SizeBuckets =
        [(0.15, "size <15%"), (0.30, "size 15-30%"), (0.50, "size 30-50%"), (double.PositiveInfinity, "size >=50%")];

    /// <summary>Within this many degrees of a symmetry of its shape, an object looks upright.</summary>
    public const double UprightTolerance = 5;

    private readonly Dictionary<string, Group> _groups = [];
    private readonly Dictionary<(long Target, long Predicted), long> _confusion = [];

    /// <summary>Groups with at least one object patch, in <see cref="GroupsOf"/>'s order: size, fill, rotation, shape.</summary>
    public IReadOnlyList<Group> Groups => [.. _groups.Values.OrderBy(g => Order(g.Name)).ThenBy(g => g.Name, StringComparer.Ordinal)];

    /// <summary>Every object counted once: the size groups together, as each object is in exactly one of them.</summary>
    public Group All
    {
        get
        {
            var sizes = _groups.Values.Where(g => SizeBuckets.Any(b => b.Name == g.Name)).ToList();
            return new Group("all", sizes.Sum(g => g.Objects), sizes.Sum(g => g.ObjectPatches), sizes.Sum(g => g.ShapeCorrect),
                sizes.Sum(g => g.ColorCorrect), sizes.Sum(g => g.ShapeNamed), sizes.Sum(g => g.ColorNamed));
        }
    }

    /// <summary>Object patches by shape class (row) and predicted shape class (column), background 0 included among the predictions.</summary>
    public long[,] ShapeConfusion(int classes)
    {
        var matrix = new long[classes, classes];
        foreach (var ((target, predicted), count) in _confusion)
            if (target < classes && predicted < classes) matrix[target, predicted] += count;
        return matrix;
    }

    /// <summary>
    /// Counts one scene's patches: the object each is named after (null for background, as
    /// <see cref="PatchLabels.Owners"/> gives them) with the patch's targets and the head's predictions. Patches whose
    /// shape target is background (no object, or a shape the labels do not know) are not object patches and are skipped.
    /// </summary>
    public void Add(IReadOnlyList<ObjectAnnotation?> owners, IReadOnlyList<long> shapeTargets, IReadOnlyList<long> shapePredictions,
        IReadOnlyList<long> colorTargets, IReadOnlyList<long> colorPredictions)
    {
        var count = owners.Count;
        if (shapeTargets.Count != count || shapePredictions.Count != count || colorTargets.Count != count || colorPredictions.Count != count)
            throw new ArgumentException("owners, targets and predictions must cover the same patches");
        var votes = new Dictionary<ObjectAnnotation, Votes>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < count; i++)
        {
            if (owners[i] is not { } owner || shapeTargets[i] == 0) continue;
            _confusion[(shapeTargets[i], shapePredictions[i])] = _confusion.GetValueOrDefault((shapeTargets[i], shapePredictions[i])) + 1;
            if (!votes.TryGetValue(owner, out var vote)) votes[owner] = vote = new Votes(shapeTargets[i], colorTargets[i]);
            vote.Shape[shapePredictions[i]] = vote.Shape.GetValueOrDefault(shapePredictions[i]) + 1;
            vote.Color[colorPredictions[i]] = vote.Color.GetValueOrDefault(colorPredictions[i]) + 1;
        }
        foreach (var (owner, vote) in votes)
        {
            long patches = vote.Shape.Values.Sum();
            long shapeRight = vote.Shape.GetValueOrDefault(vote.ShapeTarget), colorRight = vote.Color.GetValueOrDefault(vote.ColorTarget);
            foreach (var name in GroupsOf(owner))
            {
                var group = _groups.GetValueOrDefault(name) ?? new Group(name, 0, 0, 0, 0, 0, 0);
                _groups[name] = group with
                {
                    Objects = group.Objects + 1,
                    ObjectPatches = group.ObjectPatches + patches,
                    ShapeCorrect = group.ShapeCorrect + shapeRight,
                    ColorCorrect = group.ColorCorrect + colorRight,
                    ShapeNamed = group.ShapeNamed + (Wins(vote.Shape, vote.ShapeTarget) ? 1 : 0),
                    ColorNamed = group.ColorNamed + (Wins(vote.Color, vote.ColorTarget) ? 1 : 0),
                };
            }
        }
    }

    /// <summary>One object's patches: how often each class was predicted for them, and the object's own classes.</summary>
    private sealed record Votes(long ShapeTarget, long ColorTarget)
    {
        public Dictionary<long, long> Shape { get; } = [];
        public Dictionary<long, long> Color { get; } = [];
    }

    /// <summary>A tie is not a win: a reader could as well have picked the other class.</summary>
    private static bool Wins(Dictionary<long, long> votes, long target) =>
        votes.GetValueOrDefault(target) is var own and > 0 && votes.All(v => v.Key == target || v.Value < own);

    /// <summary>
    /// The groups an object belongs to: its size bucket; "filled" or "outlined" and "upright" or "rotated" where the
    /// scene file records them (a circle has no rotation group: it looks the same at every angle); and its shape.
    /// </summary>
    public static IEnumerable<string> GroupsOf(ObjectAnnotation o)
    {
        var side = Math.Max(o.Box[2] - o.Box[0], o.Box[3] - o.Box[1]);
        yield return SizeBuckets.First(b => side < b.Below).Name;
        if (o.Filled is { } filled) yield return filled ? "filled" : "outlined";
        if (o.Rotation is { } rotation && Symmetry(o.Shape) is { } symmetry)
        {
            var offset = ((rotation % symmetry) + symmetry) % symmetry;
            yield return Math.Min(offset, symmetry - offset) <= UprightTolerance ? "upright" : "rotated";
        }
        yield return o.Shape;
    }

    /// <summary>The smallest rotation, in degrees, that maps the shape onto itself; null for a circle or an unknown shape.</summary>
    private static double? Symmetry(string shape) => shape switch
    {
        "square" => 90,
        "triangle" => 120,
        "star" => 72,
        _ => null,
    };

    private static int Order(string group) =>
        SizeBuckets.Select(b => b.Name).ToList().IndexOf(group) is >= 0 and var size ? size
        : group switch { "filled" => 10, "outlined" => 11, "upright" => 12, "rotated" => 13, _ => 20 };
}
