namespace Llava.Training.Evaluation;

/// <summary>A named set of held-out questions: the training world's own pictures, or the independent renderer's.</summary>
public sealed record EvalSet(string Name, IReadOnlyList<EvalQuestion> Questions)
{
    public const string InDistribution = "in-distribution";
    public const string IndependentRenderer = "independent renderer";
}
