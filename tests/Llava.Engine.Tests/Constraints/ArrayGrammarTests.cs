using System.Text;
using System.Text.Json;
using Llava.Engine.Constraints;

namespace Llava.Engine.Tests.Constraints;

/// <summary>Array bounds as the matcher reads them, byte by byte.</summary>
public class ArrayGrammarTests
{
    private static bool Reads(string schema, string text) =>
        JsonGrammar.FromSchema(JsonDocument.Parse(schema).RootElement).CreateMatcher() is var matcher
        && matcher.TryAdvance(Encoding.UTF8.GetBytes(text)) && matcher.IsComplete;

    [Theory]
    [InlineData("[]", true)]
    [InlineData("[1]", true)]
    [InlineData("[1, 2, 3, 4, 5, 6, 7]", true)]
    public void ItemsWithoutMaxItemsTakeAnyNumber(string text, bool complete) =>
        Assert.Equal(complete, Reads("""{"type": "array", "items": {"type": "integer"}}""", text));

    [Theory]
    [InlineData("[1, 2]", false)]
    [InlineData("[1, 2, 3]", true)]
    [InlineData("[1, 2, 3, 4]", true)]
    [InlineData("[1, 2, 3, 4, 5]", false)]
    public void MinItemsAndMaxItemsBoundTheCount(string text, bool complete) =>
        Assert.Equal(complete, Reads("""{"type": "array", "items": {"type": "integer"}, "minItems": 3, "maxItems": 4}""", text));

    [Fact]
    public void MinItemsWithoutMaxItemsNeedsThatMany()
    {
        const string schema = """{"type": "array", "items": {"type": "integer"}, "minItems": 3}""";
        Assert.False(Reads(schema, "[1, 2]"));
        Assert.True(Reads(schema, "[1, 2, 3, 4, 5, 6]"));
    }
}
