namespace Llava.Training.Shapes;

/// <summary>
/// One templated question about a scene with its reference answer and, for the scored kinds, the words a correct
/// answer must contain.
/// </summary>
public sealed record QuestionAnswer(string Question, string Answer, IReadOnlyList<string>? Expected = null);
