using LlavaServer.Cli;

namespace LlavaBench.Tests;

public class BenchOptionsTests
{
    [Fact]
    public void DefaultsMatchTheIssuesScenarios()
    {
        var options = BenchOptions.Parse([]);

        Assert.Equal([1, 4, 16], options.Concurrency);
        Assert.Equal(["float32"], options.DTypes);
        Assert.Equal(64, options.MaxTokens);
        Assert.Equal(16, options.ServerMaxNumSeqs);
        Assert.Equal(6, options.RequestsAt(1));
        Assert.Equal(32, options.RequestsAt(16));
        Assert.Equal(30, options.StallSeconds);
        Assert.Equal(300, options.TimeoutSeconds);
        Assert.Null(options.Url);
    }

    [Fact]
    public void SoakDefaultsToSixteenSlotsAndAQueueOf64()
    {
        var options = BenchOptions.Parse(["--soak", "2.5"]);

        Assert.Equal(2.5, options.SoakMinutes);
        Assert.Equal(32, options.SoakConcurrency);
        Assert.Equal(16, options.ServerMaxNumSeqs);
        Assert.Equal(64, options.MaxWaitingRequests);
        Assert.Equal(30, options.StallSeconds);
    }

    [Fact]
    public void ParsesListsAndOverrides()
    {
        var options = BenchOptions.Parse(["--dtype", "float32, bfloat16", "--concurrency", "2,8", "--requests", "3",
            "--max-num-seqs", "10", "--stall-seconds", "45", "--timeout-seconds", "90", "--out", "r.json"]);

        Assert.Equal(["float32", "bfloat16"], options.DTypes);
        Assert.Equal([2, 8], options.Concurrency);
        Assert.Equal(3, options.RequestsAt(8));
        Assert.Equal(10, options.ServerMaxNumSeqs);
        Assert.Equal(45, options.StallSeconds);
        Assert.Equal(90, options.TimeoutSeconds);
        Assert.Equal("r.json", options.OutputPath);
    }

    [Theory]
    [InlineData("--concurrency", "1,x")]
    [InlineData("--concurrency", "0")]
    [InlineData("--max-tokens", "0")]
    [InlineData("--soak", "0")]
    [InlineData("--no-such-option", "1")]
    public void RejectsInvalidValues(string flag, string value)
    {
        Assert.Throws<CliException>(() => BenchOptions.Parse([flag, value]));
    }

    [Fact]
    public void ARemoteServerIsBenchmarkedInOneDtype()
    {
        Assert.Throws<CliException>(() => BenchOptions.Parse(["--url", "http://localhost:8000", "--dtype", "float32,bfloat16"]));
    }
}
