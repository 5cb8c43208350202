namespace Llava.Training.Shapes;

/// <summary>
/// The "complex reasoning" type: answers that need relations between shapes or a counterfactual, not just one
/// attribute (spatial comparison, extremes, removal, the largest shape).
/// </summary>
public static class ReasoningQuestions
{
    public static QuestionAnswer Ask(Scene scene, Random random)
    {
        var candidates = new List<Func<QuestionAnswer?>>
        {
            () => Removal(scene, random),
        };
        if (scene.Objects.Count >= 2)
        {
            candidates.Add(() => Horizontal(scene, random));
            candidates.Add(() => Vertical(scene, random));
            candidates.Add(() => Topmost(scene));
            candidates.Add(() => Largest(scene));
        }
        while (true)
        {
            if (candidates[random.Next(candidates.Count)]() is { } answer)
                return answer;
        }
    }

    private static (SceneObject A, SceneObject B) TwoOf(Scene scene, Random random)
    {
        var first = random.Next(scene.Objects.Count);
        var second = (first + 1 + random.Next(scene.Objects.Count - 1)) % scene.Objects.Count;
        return (scene.Objects[first], scene.Objects[second]);
    }

    private static QuestionAnswer Horizontal(Scene scene, Random random)
    {
        var (a, b) = TwoOf(scene, random);
        var question = $"Is the {a.Reference} to the left of the {b.Reference}?";
        var answer = a.Position.Column.CompareTo(b.Position.Column) switch
        {
            < 0 => $"Yes, the {a.Reference} is to the left of the {b.Reference}.",
            > 0 => $"No, the {a.Reference} is to the right of the {b.Reference}.",
            _ => $"No, the {a.Reference} and the {b.Reference} are in the same column; the {a.Reference} is {(a.Position.Row < b.Position.Row ? "above" : "below")} it.",
        };
        return new(question, answer);
    }

    private static QuestionAnswer Vertical(Scene scene, Random random)
    {
        var (a, b) = TwoOf(scene, random);
        var question = $"Is the {a.Reference} above the {b.Reference}?";
        var answer = a.Position.Row.CompareTo(b.Position.Row) switch
        {
            < 0 => $"Yes, the {a.Reference} is above the {b.Reference}.",
            > 0 => $"No, the {a.Reference} is below the {b.Reference}.",
            _ => $"No, the {a.Reference} and the {b.Reference} are in the same row; the {a.Reference} is to the {(a.Position.Column < b.Position.Column ? "left" : "right")} of it.",
        };
        return new(question, answer);
    }

    private static QuestionAnswer? Topmost(Scene scene)
    {
        var top = scene.Objects.Min(o => o.Position.Row);
        var highest = scene.Objects.Where(o => o.Position.Row == top).ToList();
        if (highest.Count != 1) return null;
        var item = highest[0];
        return new("Which shape is closest to the top of the image?",
            $"The {item.Reference} is closest to the top; it is {item.Position.Phrase}.");
    }

    private static QuestionAnswer? Largest(Scene scene)
    {
        var large = scene.Objects.Where(o => o.Large).ToList();
        if (large.Count != 1) return null;
        return new("Which shape is the largest?",
            $"The {large[0].Reference} is the largest shape; the others are small.");
    }

    private static QuestionAnswer Removal(Scene scene, Random random)
    {
        var removed = scene.Objects[random.Next(scene.Objects.Count)];
        var question = $"If the {removed.Reference} were removed, how many shapes would be left?";
        var rest = scene.Objects.Where(o => o != removed).ToList();
        var answer = rest.Count switch
        {
            0 => $"No shapes would be left, because the {removed.Reference} is the only shape.",
            1 => $"One shape would be left: the {rest[0].Reference}.",
            _ => $"{SceneText.Capitalize(SceneText.Number(rest.Count))} shapes would be left: {SceneText.List(rest.Select(o => "the " + o.Reference).ToList())}.",
        };
        return new(question, answer);
    }
}
