using Llava.Training.InstructGen;

namespace Llava.Training.Tests;

public sealed class InstructionResponseParserTests
{
    [Fact]
    public void Parses_question_answer_blocks_in_the_paper_format()
    {
        var turns = InstructionResponseParser.Turns(
            "Question:\nWhat colour is the circle?\n===\nAnswer:\nThe circle is red.\n===\nQuestion: How many shapes?\n===\nAnswer: Two.\n");
        Assert.Equal([("What colour is the circle?", "The circle is red."), ("How many shapes?", "Two.")], turns);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("The image shows a circle.", "does not start with")]
    [InlineData("Question:\nWhere?\n===\nQuestion:\nWhat?", "two questions in a row")]
    [InlineData("Answer:\nRed.", "an answer without a question")]
    [InlineData("Question:\nWhere?", "no answer")]
    [InlineData("Question:\nWhere?\n===\nAnswer:\n", "an empty answer")]
    public void Rejects_malformed_replies_with_a_reason(string content, string reason)
    {
        var error = Assert.Throws<FormatException>(() => InstructionResponseParser.Turns(content));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_description_is_any_non_empty_text()
    {
        Assert.Equal("Two shapes.", InstructionResponseParser.Description("  Two shapes.\n"));
        Assert.Throws<FormatException>(() => InstructionResponseParser.Description(" \n "));
    }
}
