using System.Text.Json;
using System.Text.Json.Serialization;
using Llava.Training.Shapes;

namespace Llava.Training.Evaluation;

/// <summary>
/// A held-out question with the words a correct answer must contain: the colour, shape, count word, position name,
/// or for "describe" every shape's "colour shape" reference.
/// </summary>
public sealed record EvalQuestion(string Id, string Image, QuestionKind Kind, string Question, string Reference,
    IReadOnlyList<string> Expected);

public static class EvalQuestionsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    public static void Write(string path, IEnumerable<EvalQuestion> questions) =>
        File.WriteAllText(path, JsonSerializer.Serialize(questions.ToList(), Options));

    /// <exception cref="InvalidDataException">The file is not a list of questions.</exception>
    public static IReadOnlyList<EvalQuestion> Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<List<EvalQuestion>>(File.ReadAllText(path), Options)
                ?? throw new InvalidDataException($"{path} holds no questions");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid question file: {e.Message}", e);
        }
    }
}
