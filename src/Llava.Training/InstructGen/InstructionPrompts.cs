using Llava.Training.Shapes;

namespace Llava.Training.InstructGen;

/// <summary>
/// System prompts and few-shot examples in the style of the LLaVA paper's data-generation prompts (Table 10 and
/// Appendix): the model is told it "sees" the image through captions and boxes, and shown worked examples of the
/// output format before the real context.
/// </summary>
public static class InstructionPrompts
{
    private const string Perception =
        "You are an AI visual assistant looking at a single image. You do not see the pixels; instead you are given a " +
        "caption describing the image and a list of the objects in it, each with its bounding box as normalised " +
        "coordinates [x0, y0, x1, y1] between 0 and 1 (x grows to the right, y grows downwards). Answer as if you " +
        "were looking at the image yourself: never mention captions, coordinates or boxes.";

    public static string System(InstructionType type) => type switch
    {
        InstructionType.Conversation => Perception + "\n\n" +
            "Design a conversation between you and a person asking about this image. Ask diverse questions about what " +
            "can be seen: the kinds of objects, their colours, how many there are, where they are, and how they are " +
            "placed relative to each other. Only ask questions whose answers are certain from the image. Write each " +
            "question after a line 'Question:' and each answer after a line 'Answer:', and separate the turns with a " +
            "line '==='.",
        InstructionType.Detail => Perception + "\n\n" +
            "Describe the image in detail, as a careful observer would: what objects there are, their colours and " +
            "sizes, and where each one is. Write plain prose, without headings or lists.",
        InstructionType.Reasoning => Perception + "\n\n" +
            "Ask one question about the image that needs reasoning beyond naming what is visible — comparing " +
            "positions or sizes, counting under a hypothetical change, or drawing a conclusion from the layout — and " +
            "answer it step by step with a clear conclusion. Write the question after a line 'Question:', then a line " +
            "'===', then the answer after a line 'Answer:'.",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Worked examples: a context and the response expected for it.</summary>
    public static IReadOnlyList<(string Context, string Response)> Examples(InstructionType type) => type switch
    {
        InstructionType.Conversation =>
        [
            (ExampleContext,
                "Question:\nHow many shapes are in the image?\n===\nAnswer:\nThere are two shapes: a circle and a star.\n===\n" +
                "Question:\nWhat colour is the circle?\n===\nAnswer:\nThe circle is red.\n===\n" +
                "Question:\nWhere is the star?\n===\nAnswer:\nThe star is on the right side of the image, in the middle."),
        ],
        InstructionType.Detail =>
        [
            (ExampleContext,
                "The image shows two shapes on a plain light background. A large red circle sits in the top left corner, " +
                "and a small blue star is on the right, about halfway down. The rest of the image is empty."),
        ],
        InstructionType.Reasoning =>
        [
            (ExampleContext,
                "Question:\nIf the red circle moved straight down to the bottom of the image, which shape would be higher?\n===\n" +
                "Answer:\nThe star is in the middle row on the right, while the circle would end up in the bottom row. " +
                "Since the middle row is above the bottom row, the blue star would then be the higher shape."),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static readonly string ExampleContext = SceneContext.Format(new SceneAnnotation("example", "example.png",
        ["A large red circle at the top left and a small blue star on the right."],
        [
            new ObjectAnnotation("circle", "red", "large", "top left", [0.04, 0.04, 0.29, 0.29]),
            new ObjectAnnotation("star", "blue", "small", "right", [0.72, 0.40, 0.95, 0.60]),
        ]));

    /// <summary>The chat messages of one request: system prompt, the examples as earlier turns, then the scene.</summary>
    public static IReadOnlyList<(string Role, string Content)> Messages(InstructionType type, SceneAnnotation scene)
    {
        var messages = new List<(string, string)> { ("system", System(type)) };
        foreach (var (context, response) in Examples(type))
        {
            messages.Add(("user", context));
            messages.Add(("assistant", response));
        }
        messages.Add(("user", SceneContext.Format(scene)));
        return messages;
    }

    /// <summary>The instruction a detailed description answers; chosen per scene so reruns agree.</summary>
    public static string DetailInstruction(SceneAnnotation scene) =>
        SceneQuestions.DescribeInstructions[(int)((uint)StableHash(scene.Id) % (uint)SceneQuestions.DescribeInstructions.Count)];

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }
}
