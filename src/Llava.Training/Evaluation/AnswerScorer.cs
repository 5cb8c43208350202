using System.Text.RegularExpressions;
using Llava.Training.Shapes;

namespace Llava.Training.Evaluation;

/// <summary>
/// Exact-match scoring on answer words: the answer must name exactly the expected value of its kind and no other —
/// "The circle is red." is right for red, "red or orange" is wrong. For "describe", the "colour shape" pairs the
/// answer mentions must be exactly the scene's shapes.
/// </summary>
public static partial class AnswerScorer
{
    private static readonly HashSet<string> Colours = ShapeColor.All.Select(c => c.Name).ToHashSet();
    private static readonly HashSet<string> Shapes = ShapeKinds.All.Select(s => s.Word()).ToHashSet();
    private static readonly HashSet<string> Positions = GridPosition.Words.ToHashSet();
    private static readonly Dictionary<string, string> Numbers = SceneText.NumberWords
        .Select((word, value) => (word, value))
        .SelectMany(n => new[] { (n.word, n.word), (n.value.ToString(System.Globalization.CultureInfo.InvariantCulture), n.word) })
        .ToDictionary(p => p.Item1, p => p.Item2);

    public static bool IsCorrect(QuestionKind kind, IReadOnlyList<string> expected, string answer)
    {
        var words = Words().Matches(answer.ToLowerInvariant()).Select(m => m.Value).ToList();
        return kind switch
        {
            QuestionKind.Colour => SameSet(words.Where(Colours.Contains), expected),
            QuestionKind.Shape => SameSet(words.Where(Shapes.Contains), expected),
            QuestionKind.Count => SameSet(words.Where(Numbers.ContainsKey).Select(w => Numbers[w]), expected),
            QuestionKind.Position => SameSet(words.Where(Positions.Contains), expected[0].Split(' ')),
            QuestionKind.Describe => Pairs(words).Order().SequenceEqual(expected.Order()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static bool SameSet(IEnumerable<string> found, IEnumerable<string> expected) =>
        found.ToHashSet().SetEquals(expected);

    /// <summary>Every shape word preceded by a colour word, as "colour shape".</summary>
    private static IEnumerable<string> Pairs(List<string> words)
    {
        for (var i = 1; i < words.Count; i++)
        {
            if (Shapes.Contains(words[i]) && Colours.Contains(words[i - 1]))
                yield return $"{words[i - 1]} {words[i]}";
        }
    }

    [GeneratedRegex("[a-z0-9]+")]
    private static partial Regex Words();
}
