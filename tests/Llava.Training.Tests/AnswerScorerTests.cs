using Llava.Training.Evaluation;
using Llava.Training.Shapes;

namespace Llava.Training.Tests;

public sealed class AnswerScorerTests
{
    [Theory]
    [InlineData(QuestionKind.Colour, "red", "The circle is red.", true)]
    [InlineData(QuestionKind.Colour, "red", "Red", true)]
    [InlineData(QuestionKind.Colour, "red", "The circle is orange.", false)]
    [InlineData(QuestionKind.Colour, "red", "It is red or orange.", false)]
    [InlineData(QuestionKind.Shape, "star", "The blue object is a star.", true)]
    [InlineData(QuestionKind.Shape, "star", "The blue object is a square.", false)]
    [InlineData(QuestionKind.Count, "two", "There are two shapes.", true)]
    [InlineData(QuestionKind.Count, "two", "2", true)]
    [InlineData(QuestionKind.Count, "two", "There are three shapes.", false)]
    [InlineData(QuestionKind.Position, "top left", "The red circle is at the top left.", true)]
    [InlineData(QuestionKind.Position, "top left", "The red circle is at the top.", false)]
    [InlineData(QuestionKind.Position, "top", "The red circle is at the top left.", false)]
    [InlineData(QuestionKind.Position, "center", "It is in the center.", true)]
    public void Single_word_kinds_need_exactly_the_expected_words(QuestionKind kind, string expected, string answer, bool correct) =>
        Assert.Equal(correct, AnswerScorer.IsCorrect(kind, [expected], answer));

    [Theory]
    [InlineData("The image shows two shapes. A large red circle is at the top left. A small blue star is on the right.", true)]
    [InlineData("A small blue star and a large red circle.", true)]
    [InlineData("The image shows one shape. A large red circle is at the top left.", false)]
    [InlineData("A red circle, a blue star and a green square.", false)]
    [InlineData("A red star and a blue circle.", false)]
    public void Describe_needs_exactly_the_scene_s_colour_shape_pairs(string answer, bool correct) =>
        Assert.Equal(correct, AnswerScorer.IsCorrect(QuestionKind.Describe, ["red circle", "blue star"], answer));
}
