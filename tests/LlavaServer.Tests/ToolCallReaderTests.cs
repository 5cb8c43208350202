using System.Text;
using System.Text.Json;
using LlavaServer.Api.Tools;

namespace LlavaServer.Tests;

/// <summary>The incremental readers turn constrained output into the same calls however the text is split.</summary>
public class ToolCallReaderTests
{
    private sealed record Call(string Id, string Name, string Arguments);

    /// <summary>Feeds <paramref name="text"/> in pieces of <paramref name="size"/> characters and assembles the steps.</summary>
    private static (List<Call> Calls, bool Complete) ReadInPieces(IToolCallReader reader, string text, int size)
    {
        var calls = new List<(string Id, string Name, StringBuilder Arguments)>();
        for (var at = 0; at < text.Length; at += size)
        {
            foreach (var step in reader.Read(text.Substring(at, Math.Min(size, text.Length - at))))
            {
                if (step.Id is { } id)
                {
                    Assert.Equal(calls.Count, step.Index);
                    Assert.Equal("", step.Arguments);
                    Assert.StartsWith("call_", id);
                    calls.Add((id, step.Name!, new StringBuilder()));
                }
                else
                {
                    Assert.Null(step.Name);
                    Assert.NotEqual("", step.Arguments);
                    calls[step.Index].Arguments.Append(step.Arguments);
                }
            }
        }
        return (calls.Select(c => new Call(c.Id, c.Name, c.Arguments.ToString())).ToList(), reader.Complete);
    }

    public static TheoryData<int> PieceSizes => [1, 2, 3, 7, 1000];

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void RequiredOutputBecomesEachCallWithItsArgumentsText(int size)
    {
        const string text = """[{"name": "get_weather", "parameters": {"city": "Paris, \"FR\"", "days": [1, {"x": "}"}]}}, {"parameters": {}, "name": "lo\"ok"}]""";
        var (calls, complete) = ReadInPieces(new ToolCallArrayReader(), text, size);

        Assert.True(complete);
        Assert.Equal(["get_weather", "lo\"ok"], calls.Select(c => c.Name));
        Assert.Equal("""{"city": "Paris, \"FR\"", "days": [1, {"x": "}"}]}""", calls[0].Arguments);
        Assert.Equal("{}", calls[1].Arguments);
        Assert.NotEqual(calls[0].Id, calls[1].Id);
    }

    [Fact]
    public void ScalarParametersEndAtTheirDelimiter()
    {
        var (calls, complete) = ReadInPieces(new ToolCallArrayReader(), """[{"parameters": 12.5 , "name": "f"}]""", 1);
        Assert.True(complete);
        Assert.Equal("12.5 ", calls.Single().Arguments);
    }

    [Fact]
    public void AnUnfinishedArrayIsNotComplete()
    {
        var (calls, complete) = ReadInPieces(new ToolCallArrayReader(), """[{"name": "f", "parameters": {"a": "tru""", 4);
        Assert.False(complete);
        Assert.Equal("""{"a": "tru""", calls.Single().Arguments);
    }

    [Fact]
    public void ArgumentsWrittenBeforeTheNameWaitForIt()
    {
        var reader = new ToolCallArrayReader();
        Assert.Empty(reader.Read("""[{"parameters": {"a": 1}, """));
        var steps = reader.Read("\"name\": \"f\"}]");
        Assert.Equal(2, steps.Count);
        Assert.Equal("f", steps[0].Name);
        Assert.Equal("""{"a": 1}""", steps[1].Arguments);
    }

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void NamedOutputIsOneCallWhoseArgumentsAreTheWholeText(int size)
    {
        const string text = """{"city": "Oslo", "n": [1, 2]}""";
        var (calls, complete) = ReadInPieces(new NamedToolCallReader("get_weather"), text, size);
        Assert.True(complete);
        var call = Assert.Single(calls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(text, call.Arguments);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(call.Arguments).RootElement.ValueKind);
    }

    [Fact]
    public void NamedOutputCutShortIsNotComplete()
    {
        var (_, complete) = ReadInPieces(new NamedToolCallReader("f"), """{"city": "Os""", 3);
        Assert.False(complete);
    }
}
