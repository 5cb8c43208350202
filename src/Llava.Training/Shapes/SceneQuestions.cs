namespace Llava.Training.Shapes;

/// <summary>
/// Templated questions with ground-truth answers: the four short-answer kinds plus "describe" (which the evaluation
/// scores), and two extra conversation kinds (presence, size) that only appear in training conversations.
/// </summary>
public static class SceneQuestions
{
    private static readonly string[] ColourQuestions =
        ["What colour is the {0}?", "What color is the {0}?", "Which colour is the {0}?", "What is the color of the {0}?"];

    private static readonly string[] ShapeQuestions =
        ["What shape is the {0} object?", "What is the shape of the {0} object?", "Which shape is {0}?", "What kind of shape is {0}?"];

    private static readonly string[] CountQuestions =
        ["How many shapes are there?", "How many shapes are in the image?", "How many objects can you see?", "Count the shapes in the image."];

    private static readonly string[] PositionQuestions =
        ["Where is the {0}?", "Where is the {0} located?", "In which part of the image is the {0}?", "What is the position of the {0}?"];

    /// <summary>Detailed-description instructions in the style of LLaVA-Instruct's detail_23k list.</summary>
    public static IReadOnlyList<string> DescribeInstructions { get; } =
    [
        "Describe the image.",
        "Describe the following image in detail.",
        "Provide a detailed description of the given image.",
        "Give an elaborate explanation of the image you see.",
        "What is in this image?",
        "Explain the various aspects of the image before you.",
    ];

    /// <summary>Requests for the JSON listing of <see cref="SceneText.JsonListing"/>.</summary>
    public static IReadOnlyList<string> JsonInstructions { get; } =
    [
        "List the shapes as JSON.",
        "List every shape in JSON with its colour, shape and position.",
        "Return the shapes in the image as JSON.",
        "Give the shapes as a JSON object.",
    ];

    /// <summary>Brief-caption instructions in the style of LLaVA's stage-1 prompts.</summary>
    public static IReadOnlyList<string> BriefInstructions { get; } =
    [
        "Describe the image concisely.",
        "Provide a brief description of the given image.",
        "Give a short and clear explanation of the image.",
        "Summarize the visual content of the image.",
        "Write a terse but informative summary of the picture.",
        "Render a clear and concise summary of the photo.",
    ];

    public static QuestionAnswer Ask(QuestionKind kind, Scene scene, Random random)
    {
        var item = scene.Objects[random.Next(scene.Objects.Count)];
        return kind switch
        {
            QuestionKind.Colour => new(Format(ColourQuestions, random, item.Shape.Word()),
                $"The {item.Shape.Word()} is {item.Color.Name}.", [item.Color.Name]),
            QuestionKind.Shape => new(Format(ShapeQuestions, random, item.Color.Name),
                $"The {item.Color.Name} object is a {item.Shape.Word()}.", [item.Shape.Word()]),
            QuestionKind.Count => new(Format(CountQuestions, random), SceneText.CountSentence(scene.Objects.Count),
                [SceneText.Number(scene.Objects.Count)]),
            QuestionKind.Position => new(Format(PositionQuestions, random, item.Reference),
                $"The {item.Reference} is {item.Position.Phrase}.", [item.Position.Name]),
            QuestionKind.Describe => new(Pick(DescribeInstructions, random), SceneText.Description(scene),
                scene.Objects.Select(o => o.Reference).ToList()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>"Is there a star?" — asked about a present or an absent shape with equal odds.</summary>
    public static QuestionAnswer Presence(Scene scene, Random random) => Presence(scene, ShapeKinds.All[random.Next(ShapeKinds.All.Count)]);

    /// <summary>The answer says only yes or no, so it gives away nothing a later question could copy.</summary>
    public static QuestionAnswer Presence(Scene scene, ShapeKind shape)
    {
        var question = $"Is there a {shape.Word()} in the image?";
        return scene.Find(shape) is not null
            ? new(question, $"Yes, there is a {shape.Word()} in the image.")
            : new(question, $"No, there is no {shape.Word()} in the image.");
    }

    public static QuestionAnswer Size(Scene scene, Random random)
    {
        var item = scene.Objects[random.Next(scene.Objects.Count)];
        return new($"Is the {item.Reference} large or small?", $"The {item.Reference} is {item.SizeWord}.");
    }

    public static string Pick(IReadOnlyList<string> items, Random random) => items[random.Next(items.Count)];

    private static string Format(string[] templates, Random random, params object[] values) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(templates, random), values);
}
