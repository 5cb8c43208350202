namespace Llava.Training.Trainers;

/// <summary>
/// How often a <see cref="PatchAttributeHead"/> names each patch's shape and colour right, over every patch and over
/// the object patches alone (those whose target is not background). Most patches of a scene are background, which a
/// head learns first, so the overall figure flatters a tower; the object figure says whether it tells shapes apart.
/// </summary>
public sealed record PatchAccuracy(long Patches, long ObjectPatches, long ShapeCorrect, long ColorCorrect, long ObjectShapeCorrect,
    long ObjectColorCorrect)
{
    public static PatchAccuracy Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public double Shape => Ratio(ShapeCorrect, Patches);
    public double Color => Ratio(ColorCorrect, Patches);
    public double ObjectShape => Ratio(ObjectShapeCorrect, ObjectPatches);
    public double ObjectColor => Ratio(ObjectColorCorrect, ObjectPatches);

    /// <summary>These counts plus one batch's: targets and predictions of both heads, one class per patch (0 is background).</summary>
    public PatchAccuracy Add(IReadOnlyList<long> shapeTargets, IReadOnlyList<long> shapePredictions, IReadOnlyList<long> colorTargets,
        IReadOnlyList<long> colorPredictions)
    {
        var count = shapeTargets.Count;
        if (shapePredictions.Count != count || colorTargets.Count != count || colorPredictions.Count != count)
            throw new ArgumentException("targets and predictions must cover the same patches");
        long objects = 0, shape = 0, color = 0, objectShape = 0, objectColor = 0;
        for (var i = 0; i < count; i++)
        {
            var shapeRight = shapeTargets[i] == shapePredictions[i];
            var colorRight = colorTargets[i] == colorPredictions[i];
            if (shapeRight) shape++;
            if (colorRight) color++;
            if (shapeTargets[i] == 0) continue;
            objects++;
            if (shapeRight) objectShape++;
            if (colorRight) objectColor++;
        }
        return new PatchAccuracy(Patches + count, ObjectPatches + objects, ShapeCorrect + shape, ColorCorrect + color,
            ObjectShapeCorrect + objectShape, ObjectColorCorrect + objectColor);
    }

    /// <summary>NaN where nothing was counted, so an empty set never reads as a perfect or a failed one.</summary>
    private static double Ratio(long correct, long total) => total == 0 ? double.NaN : correct / (double)total;
}
