using Llava.Training.Data;

namespace Llava.Training.Shapes;

/// <summary>
/// The three LLaVA-Instruct types built from a scene's ground truth: a conversation of 1–4 short questions, a detailed
/// description, or a complex-reasoning question, in the proportions of LLaVA-Instruct-158K (58k, 23k, 77k) shifted
/// towards conversations, which carry the most supervision per image.
/// </summary>
public static class InstructionRecords
{
    private static readonly Func<Scene, Random, QuestionAnswer>[] ConversationKinds =
    [
        (s, r) => SceneQuestions.Ask(QuestionKind.Colour, s, r),
        (s, r) => SceneQuestions.Ask(QuestionKind.Shape, s, r),
        (s, r) => SceneQuestions.Ask(QuestionKind.Count, s, r),
        (s, r) => SceneQuestions.Ask(QuestionKind.Position, s, r),
        SceneQuestions.Presence,
        SceneQuestions.Size,
    ];

    public static LlavaRecord For(Scene scene, string image, Random random)
    {
        var draw = random.NextDouble();
        if (draw < 0.55) return Conversation(scene, image, random);
        if (draw < 0.8) return Detail(scene, image, random);
        return Reasoning(scene, image, random);
    }

    public static LlavaRecord Conversation(Scene scene, string image, Random random)
    {
        var kinds = ConversationKinds.ToArray();
        random.Shuffle(kinds);
        var turns = kinds.Take(random.Next(1, 5)).Select(kind => kind(scene, random)).Select(qa => (qa.Question, qa.Answer)).ToList();
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
