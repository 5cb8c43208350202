using System.Text.RegularExpressions;

namespace Llava.Training.InstructGen;

/// <summary>
/// Reads the model's answer in the format the prompts ask for: blocks separated by '===' lines, each starting with
/// 'Question:' or 'Answer:', alternating and starting with a question. Anything else is malformed.
/// </summary>
public static partial class InstructionResponseParser
{
    /// <exception cref="FormatException">The text is not a sequence of question/answer pairs.</exception>
    public static IReadOnlyList<(string Question, string Answer)> Turns(string content)
    {
        var blocks = Separator().Split(content).Select(b => b.Trim()).Where(b => b.Length > 0).ToList();
        if (blocks.Count == 0)
            throw new FormatException("the response is empty");
        var turns = new List<(string, string)>();
        string? question = null;
        foreach (var block in blocks)
        {
            var match = Labelled().Match(block);
            if (!match.Success)
                throw new FormatException($"a block does not start with 'Question:' or 'Answer:': \"{Clip(block)}\"");
            var isQuestion = match.Groups["label"].Value.Equals("question", StringComparison.OrdinalIgnoreCase);
            var text = match.Groups["text"].Value.Trim();
            if (text.Length == 0)
                throw new FormatException($"an empty {(isQuestion ? "question" : "answer")}");
            if (isQuestion == (question is not null))
                throw new FormatException(isQuestion ? "two questions in a row" : "an answer without a question");
            if (isQuestion)
            {
                question = text;
            }
            else
            {
                turns.Add((question!, text));
                question = null;
            }
        }
        if (question is not null)
            throw new FormatException("the last question has no answer");
        return turns;
    }

    /// <exception cref="FormatException">The text is empty.</exception>
    public static string Description(string content)
    {
        var text = content.Trim();
        return text.Length > 0 ? text : throw new FormatException("the response is empty");
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^\s*===+\s*$", RegexOptions.Multiline)]
    private static partial Regex Separator();

    [GeneratedRegex(@"^(?<label>question|answer)\s*:(?<text>.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Labelled();
}
