using Llava.Training.Data;

namespace Llava.Training.Shapes;

/// <summary>
/// The three LLaVA-Instruct types built from a scene's ground truth: a conversation of 1–6 short questions, a detailed
/// description, or a complex-reasoning question, in the proportions of LLaVA-Instruct-158K (58k, 23k, 77k) shifted
/// towards conversations, which carry the most supervision per image. <see cref="JsonListing"/> adds a fourth kind.
/// </summary>
public static class InstructionRecords
{
    public static LlavaRecord For(Scene scene, string image, Random random)
    {
        var draw = random.NextDouble();
        if (draw < 0.6) return Conversation(scene, image, random);
        if (draw < 0.8) return Detail(scene, image, random);
        return Reasoning(scene, image, random);
    }

    /// <summary>
    /// Up to six questions drawn from everything askable about the scene (colour, shape, position and size of each
    /// object, the count, whether a shape is present), never one whose answer an earlier turn has already given away:
    /// after "Where is the red circle?", "What colour is the circle?" could be answered by copying from the text, and
    /// a small model learns that shortcut long before it learns to read the colour from the image.
    /// </summary>
    public static LlavaRecord Conversation(Scene scene, string image, Random random)
    {
        var pool = new List<(QuestionAnswer Qa, string[] Given, string Answered)>();
        for (var i = 0; i < scene.Objects.Count; i++)
        {
            var item = scene.Objects[i];
            var single = scene with { Objects = [item] };
            string Fact(string what) => $"{what}:{i}";
            var presence = "presence:" + item.Shape.Word();
            pool.Add((SceneQuestions.Ask(QuestionKind.Colour, single, random), [Fact("shape"), presence], Fact("colour")));
            pool.Add((SceneQuestions.Ask(QuestionKind.Shape, single, random), [Fact("colour")], Fact("shape")));
            pool.Add((SceneQuestions.Ask(QuestionKind.Position, single, random), [Fact("colour"), Fact("shape"), presence], Fact("position")));
            pool.Add((SceneQuestions.Size(single, random), [Fact("colour"), Fact("shape"), presence], Fact("size")));
        }
        pool.Add((SceneQuestions.Ask(QuestionKind.Count, scene, random), [], "count"));
        var asked = ShapeKinds.All[random.Next(ShapeKinds.All.Count)];
        pool.Add((SceneQuestions.Presence(scene, asked), [], "presence:" + asked.Word()));

        var candidates = pool.ToArray();
        random.Shuffle(candidates);
        var wanted = random.Next(1, 7);
        var known = new HashSet<string>();
        var turns = new List<(string, string)>();
        foreach (var (qa, given, answered) in candidates)
        {
            if (turns.Count == wanted) break;
            if (known.Contains(answered)) continue;
            turns.Add((qa.Question, qa.Answer));
            known.UnionWith(given);
            known.Add(answered);
            // A shape question's answer also says that the shape is there.
            if (answered.StartsWith("shape:", StringComparison.Ordinal))
                known.Add("presence:" + scene.Objects[int.Parse(answered[6..], System.Globalization.CultureInfo.InvariantCulture)].Shape.Word());
        }
        return LlavaRecord.MultiTurn(scene.Id + "-conversation", image, turns);
    }

    public static LlavaRecord Detail(Scene scene, string image, Random random)
    {
        var qa = SceneQuestions.Ask(QuestionKind.Describe, scene, random);
        return LlavaRecord.SingleTurn(scene.Id + "-detail", image, qa.Question, qa.Answer);
    }

    public static LlavaRecord Reasoning(Scene scene, string image, Random random)
    {
        var qa = ReasoningQuestions.Ask(scene, random);
        return LlavaRecord.SingleTurn(scene.Id + "-reasoning", image, qa.Question, qa.Answer);
    }

    /// <summary>
    /// "List the shapes as JSON." answered by the README schema's object, shapes in reading order: so that an answer
    /// under a JSON schema (README "Structured outputs") is a reading of the picture and not only well-formed.
    /// </summary>
    public static LlavaRecord JsonListing(Scene scene, string image, Random random) =>
        LlavaRecord.SingleTurn(scene.Id + "-json", image, SceneQuestions.Pick(SceneQuestions.JsonInstructions, random),
            SceneText.JsonListing(scene));

    /// <summary>The stage-1 record: a brief-description instruction answered by the caption.</summary>
    public static LlavaRecord Caption(Scene scene, string image, Random random) =>
        LlavaRecord.SingleTurn(scene.Id + "-caption", image, SceneQuestions.Pick(SceneQuestions.BriefInstructions, random),
            SceneText.Caption(scene));
}
