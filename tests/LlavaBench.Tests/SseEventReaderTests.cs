using System.Text;
using LlavaBench.Client;

namespace LlavaBench.Tests;

public class SseEventReaderTests
{
    private static async Task<List<string>> ReadAll(string wire)
    {
        var reader = new SseEventReader(new MemoryStream(Encoding.UTF8.GetBytes(wire)));
        var events = new List<string>();
        while (await reader.ReadAsync(CancellationToken.None) is { } data) events.Add(data);
        return events;
    }

    [Fact]
    public async Task SplitsEventsOnBlankLinesWithAnyLineEnding()
    {
        Assert.Equal(["a", "b", "c"], await ReadAll("data: a\n\ndata: b\r\n\r\ndata: c\r\r"));
    }

    [Fact]
    public async Task JoinsMultipleDataLinesWithNewlines()
    {
        Assert.Equal(["x\ny"], await ReadAll("data: x\ndata: y\n\n"));
    }

    [Fact]
    public async Task SkipsCommentsAndOtherFieldsAndStripsOnlyOneSpace()
    {
        Assert.Equal(["z", " two"], await ReadAll(": keep-alive\nevent: chunk\nid: 4\ndata:z\n\ndata:  two\n\n"));
    }

    [Fact]
    public async Task BlankLinesWithoutDataDispatchNothing()
    {
        Assert.Equal(["q"], await ReadAll("\n\n: ping\n\ndata: q\n\n"));
    }

    [Fact]
    public async Task DiscardsAnEventCutOffByTheEndOfTheStream()
    {
        Assert.Equal(["a"], await ReadAll("data: a\n\ndata: partial"));
    }
}
