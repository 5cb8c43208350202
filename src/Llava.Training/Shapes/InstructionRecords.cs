using Llava.Training.Data;

namespace Llava.Training.Shapes;

/// <summary>
/// The three LLaVA-Instruct types built from a scene's ground truth: a conversation of 1–6 short questions, a detailed
/// description, or a complex-reasoning question, in the proportions of LLaVA-Instruct-158K (58k, 23k, 77k) shifted
/// towards conversations, which carry the most supervision per image.
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
    /// Questions drawn without repetition from everything askable about the scene: colour, shape, position and size of
    /// each object, the count, and whether some shape is present.
    /// </summary>
    public static LlavaRecord Conversation(Scene scene, string image, Random random)
    {
        var pool = new List<QuestionAnswer>();
        foreach (var item in scene.Objects)
        {
            var single = scene with { Objects = [item] };
            pool.Add(SceneQuestions.Ask(QuestionKind.Colour, single, random));
            pool.Add(SceneQuestions.Ask(QuestionKind.Shape, single, random));
            pool.Add(SceneQuestions.Ask(QuestionKind.Position, single, random));
            pool.Add(SceneQuestions.Size(single, random));
        }
        pool.Add(SceneQuestions.Ask(QuestionKind.Count, scene, random));
        pool.Add(SceneQuestions.Presence(scene, random));
        var questions = pool.ToArray();
        random.Shuffle(questions);
        var turns = questions.Take(random.Next(1, 7)).Select(qa => (qa.Question, qa.Answer)).ToList();
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

    /// <summary>The stage-1 record: a brief-description instruction answered by the caption.</summary>
    public static LlavaRecord Caption(Scene scene, string image, Random random) =>
        LlavaRecord.SingleTurn(scene.Id + "-caption", image, SceneQuestions.Pick(SceneQuestions.BriefInstructions, random),
            SceneText.Caption(scene));
}
