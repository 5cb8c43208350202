using Llava.Training.Shapes;

namespace Llava.Training.Evaluation;

/// <summary>One scored question.</summary>
public sealed record EvalAnswer(EvalQuestion Question, string Answer, bool Correct);

/// <summary>Accuracy per question kind, in the order of <see cref="QuestionKind"/>.</summary>
public sealed record EvalResult(IReadOnlyList<EvalAnswer> Answers, TimeSpan Elapsed)
{
    public IReadOnlyList<(QuestionKind Kind, int Correct, int Total)> ByKind =>
        Answers.GroupBy(a => a.Question.Kind).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Count(a => a.Correct), g.Count())).ToList();

    public double Accuracy(QuestionKind kind)
    {
        var row = ByKind.First(r => r.Kind == kind);
        return row.Correct / (double)row.Total;
    }

    public double MinimumAccuracy => ByKind.Min(r => r.Correct / (double)r.Total);

    public void WriteTable(TextWriter output)
    {
        output.WriteLine("kind        correct  total  accuracy");
        foreach (var (kind, correct, total) in ByKind)
            output.WriteLine($"{kind.ToString().ToLowerInvariant(),-10} {correct,8} {total,6}  {100.0 * correct / total,7:F1}%");
        var all = Answers.Count(a => a.Correct);
        output.WriteLine($"{"all",-10} {all,8} {Answers.Count,6}  {100.0 * all / Answers.Count,7:F1}%");
    }
}
