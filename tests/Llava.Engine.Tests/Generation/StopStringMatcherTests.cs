using Llava.Engine.Generation;

namespace Llava.Engine.Tests.Generation;

public class StopStringMatcherTests
{
    [Fact]
    public void StopStringSpanningChunksIsNeverEmitted()
    {
        var matcher = new StopStringMatcher(["END"]);
        var emitted = matcher.Append("hello E") + matcher.Append("N") + matcher.Append("D more");
        Assert.Equal("hello ", emitted);
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void HeldBackTextIsReleasedWhenItStopsMatching()
    {
        var matcher = new StopStringMatcher(["END"]);
        Assert.Equal("a", matcher.Append("aE"));
        Assert.Equal("Ex", matcher.Append("x"));
        Assert.Equal("", matcher.Append("E"));
        Assert.Equal("E", matcher.Flush());
    }

    [Fact]
    public void EarliestOfSeveralStopStringsWins()
    {
        var matcher = new StopStringMatcher(["world", "lo"]);
        Assert.Equal("hel", matcher.Append("hello world"));
    }

    [Fact]
    public void WithoutStopStringsTextPassesThrough()
    {
        var matcher = new StopStringMatcher([]);
        Assert.Equal("abc", matcher.Append("abc"));
        Assert.Equal("", matcher.Flush());
    }
}
