namespace Llava.Training.Shapes;

/// <summary>The question types the evaluation scores separately.</summary>
public enum QuestionKind
{
    Colour,
    Shape,
    Count,
    Position,
    Describe,
}
