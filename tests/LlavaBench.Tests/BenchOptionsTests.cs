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

    [Fact]
    public void APeerGetsDistinctAndRepeatedImagesAndLlamaCppLabels()
    {
        var options = BenchOptions.Parse(["--peer-url", "http://127.0.0.1:8090", "--dtype", "float32", "--concurrency", "1,16"]);

        Assert.Equal("http://127.0.0.1:8090", options.PeerUrl);
        Assert.Equal("llama.cpp", options.PeerName);
        Assert.Equal("f32", options.PeerDTypeLabel);
        Assert.Equal(["distinct", "repeated"], options.Images);
        Assert.Equal(["rotating"], BenchOptions.Parse([]).Images);
        Assert.Equal("f16", BenchOptions.Parse(["--peer-url", "http://x", "--dtype", "bfloat16"]).PeerDTypeLabel);
    }

    [Fact]
    public void PeerLabelsAndImageModesCanBeGiven()
    {
        var options = BenchOptions.Parse(["--peer-url", "http://x", "--peer-name", "vllm", "--peer-dtype", "bf16", "--images", "repeated"]);

        Assert.Equal("vllm", options.PeerName);
        Assert.Equal("bf16", options.PeerDTypeLabel);
        Assert.Equal(["repeated"], options.Images);
    }

    [Theory]
    [InlineData("--images", "many")]
    [InlineData("--peer-url", "http://x", "--dtype", "float32,bfloat16")]
    [InlineData("--peer-url", "http://x", "--url", "http://y")]
    [InlineData("--peer-url", "http://x", "--soak", "1")]
    [InlineData("--real-scale", "--url", "http://y")]
    [InlineData("--real-scale", "--soak", "1")]
    [InlineData("--generate-only", "--url", "http://y")]
    [InlineData("--generate-only", "--model", "/m")]
    public void RejectsCombinationsThatDoNotGoTogether(params string[] args)
    {
        Assert.Throws<CliException>(() => BenchOptions.Parse(args));
    }

    [Fact]
    public void RealScaleAsksForTwoTokensAndGeneratesIntoItsOwnFolder()
    {
        var options = BenchOptions.Parse(["--real-scale", "--dtype", "bfloat16"]);

        Assert.True(options.RealScale);
        Assert.Equal(2, options.MaxTokens);
        Assert.Equal("llava-1.5-7b-hf-random", Path.GetFileName(options.GenerateModelPath));
        Assert.Equal("llava-bench-179m", Path.GetFileName(BenchOptions.Parse([]).GenerateModelPath));
        Assert.Equal(5, BenchOptions.Parse(["--real-scale", "--max-tokens", "5"]).MaxTokens);
        Assert.True(BenchOptions.Parse(["--real-scale", "--generate-only"]).GenerateOnly);
    }
}
