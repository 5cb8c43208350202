namespace Llava.Training.Shapes;

/// <summary>
/// Captions that are almost right for a scene, built from its annotation: one object's colour or shape replaced by
/// one the scene does not have, two objects' colours or shapes swapped (same words, wrong binding), or one object moved.
/// They are the hard negatives of contrastive vision pretraining.
/// </summary>
public static class HardNegativeCaptions
{
    public static IReadOnlyList<string> For(SceneAnnotation scene, Random random, int count)
    {
        var objects = scene.Objects;
        var edits = new List<Func<List<ObjectAnnotation>?>>
        {
            () => Replace(objects, random, o => o.Color, (o, c) => o with { Color = c }, ShapeColor.All.Select(c => c.Name)),
            () => Replace(objects, random, o => o.Shape, (o, s) => o with { Shape = s }, ShapeKinds.All.Select(s => s.Word())),
            () => Replace(objects, random, o => o.Position, (o, p) => o with { Position = p }, AllPositions()),
        };
        if (objects.Count >= 2)
        {
            edits.Add(() => Swap(objects, random, o => o.Color, (o, c) => o with { Color = c }));
            edits.Add(() => Swap(objects, random, o => o.Shape, (o, s) => o with { Shape = s }));
        }
        var captions = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var edited = edits[random.Next(edits.Count)]();
            if (edited is not null) captions.Add(Caption(edited));
        }
        return captions;
    }

    /// <summary>The caption of annotated objects, worded like <see cref="SceneText.Caption"/>.</summary>
    public static string Caption(IReadOnlyList<ObjectAnnotation> objects) =>
        SceneText.Capitalize(SceneText.List(objects
            .Select(o => $"a {o.Size} {o.Color} {o.Shape} {GridPosition.FromName(o.Position).Phrase}").ToList())) + ".";

    private static IEnumerable<string> AllPositions() =>
        Enumerable.Range(0, GridPosition.Size * GridPosition.Size)
            .Select(i => new GridPosition(i / GridPosition.Size, i % GridPosition.Size).Name);

    private static List<ObjectAnnotation>? Replace(IReadOnlyList<ObjectAnnotation> objects, Random random,
        Func<ObjectAnnotation, string> get, Func<ObjectAnnotation, string, ObjectAnnotation> set, IEnumerable<string> values)
    {
        var unused = values.Except(objects.Select(get)).ToList();
        if (unused.Count == 0) return null;
        var index = random.Next(objects.Count);
        var edited = objects.ToList();
        edited[index] = set(edited[index], unused[random.Next(unused.Count)]);
        return edited;
    }

    private static List<ObjectAnnotation> Swap(IReadOnlyList<ObjectAnnotation> objects, Random random,
        Func<ObjectAnnotation, string> get, Func<ObjectAnnotation, string, ObjectAnnotation> set)
    {
        var first = random.Next(objects.Count);
        var second = (first + 1 + random.Next(objects.Count - 1)) % objects.Count;
        var edited = objects.ToList();
        edited[first] = set(objects[first], get(objects[second]));
        edited[second] = set(objects[second], get(objects[first]));
        return edited;
    }
}
