using LlavaBench.Client;
using LlavaBench.Measurement;
using LlavaBench.Reporting;
using LlavaBench.Running;

namespace LlavaBench.Tests;

public class ScenarioSummaryTests
{
    private static RequestResult Completed(double first, double last, int tokens, params double[] gaps) => new()
    {
        Outcome = RequestOutcome.Completed,
        Status = 200,
        FirstTokenMs = first,
        LastTokenMs = last,
        LatencyMs = last + 1,
        PromptTokens = 290,
        CompletionTokens = tokens,
        InterTokenMs = gaps,
    };

    private static ScenarioSummary Summary(string kind, int concurrency, double tokensPerSecond, double ttft, double tpot) =>
        ScenarioSummary.From(new ScenarioRun(new Scenario("s", kind, concurrency, 1, _ => ""),
            [Completed(ttft, ttft + tpot * 9, 10)], 1.0), 30) with
        {
            OutputTokensPerSecond = tokensPerSecond,
        };

    [Fact]
    public void CountsOutcomesAndRatesOverTheWallTime()
    {
        RequestResult[] results =
        [
            Completed(100, 190, 10, 10, 10, 10),
            Completed(200, 380, 10, 20, 20),
            Completed(300, 570, 10, 30),
            new() { Outcome = RequestOutcome.Rejected, Status = 429, LatencyMs = 900 },
            new() { Outcome = RequestOutcome.Failed, Status = 500, Error = "boom", LatencyMs = 5 },
            new() { Outcome = RequestOutcome.TimedOut, Status = 200, Error = "no event for 300 s", LatencyMs = 300_000 },
        ];
        var summary = ScenarioSummary.From(new ScenarioRun(new Scenario("t", Scenario.Throughput, 3, 6, _ => ""), results, 2.0),
            stallSeconds: 0.25);

        Assert.Equal((6, 3, 1, 1, 1), (summary.Requests, summary.Completed, summary.Rejected, summary.Failed, summary.TimedOut));
        // Waited over 250 ms for a token: the third request (first token at 300 ms) and the timed-out one.
        Assert.Equal(2, summary.Stalled);
        Assert.Equal(1.5, summary.RequestsPerSecond);
        Assert.Equal(15.0, summary.OutputTokensPerSecond);
        Assert.Equal(3 * 1000 / 20.0, summary.DecodeTokensPerSecond!.Value, 9);
        Assert.Equal(290.0, summary.MeanPromptTokens);
        Assert.Equal(200.0, summary.TimeToFirstTokenMs.P50);
        Assert.Equal(15.0, summary.InterTokenLatencyMs.P50);
        Assert.Equal(6, summary.InterTokenLatencyMs.Samples);
        Assert.Equal(20.0, summary.TimePerOutputTokenMs.P50!.Value, 9);
        Assert.Equal(["Failed (500): boom", "TimedOut (200): no event for 300 s"], summary.Errors);
    }

    [Fact]
    public void ASequentialRunSplitsIntoSubRunsTimedByTheirOwnLatencies()
    {
        RequestResult[] results = [Completed(100, 190, 10), Completed(50, 95, 10), Completed(300, 570, 10), Completed(60, 105, 10)];
        results[1] = results[1] with { LatencyMs = 1000 };
        results[3] = results[3] with { LatencyMs = 3000 };
        var alternating = new Scenario("alt", Scenario.CacheMiss, 1, 4, _ => "");
        var run = new ScenarioRun(alternating, results, 10.0, 2.5);

        var odd = run.Subset(alternating with { Name = "hot", Kind = Scenario.CacheHit }, i => i % 2 == 1);

        Assert.Equal(2, odd.Results.Count);
        Assert.Equal(4.0, odd.WallSeconds, 9);
        Assert.Equal(2.5, odd.LoadAverage);
        var summary = ScenarioSummary.From(odd, 30);
        Assert.Equal(("hot", Scenario.CacheHit, 2), (summary.Name, summary.Kind, summary.Requests));
        Assert.Equal(55.0, summary.TimeToFirstTokenMs.P50);
        Assert.Throws<InvalidOperationException>(() =>
            new ScenarioRun(alternating with { Concurrency = 2 }, results, 10.0).Subset(alternating, _ => true));
    }

    [Fact]
    public void AStallIsTheLongestWaitForAToken()
    {
        var slowStart = Completed(31_000, 32_000, 10, 100, 100);
        var frozenMidStream = Completed(500, 40_000, 10, 100, 35_000);

        Assert.Equal(31_000, slowStart.LongestSilenceMs);
        Assert.True(slowStart.StalledLongerThan(30_000));
        Assert.False(slowStart.StalledMidStreamLongerThan(30_000));
        Assert.Equal(35_000, frozenMidStream.LongestSilenceMs);
        Assert.True(frozenMidStream.StalledMidStreamLongerThan(30_000));
        Assert.False(Completed(500, 2_000, 10, 100).StalledLongerThan(30_000));
        Assert.False(new RequestResult { Outcome = RequestOutcome.Rejected, LatencyMs = 40_000 }.StalledLongerThan(30_000));
    }

    [Fact]
    public void TargetsCompareTheScenariosTheIssueNames()
    {
        ScenarioSummary[] scenarios =
        [
            Summary(Scenario.Throughput, 1, 30, 900, 36),
            Summary(Scenario.Throughput, 4, 100, 1500, 40),
            Summary(Scenario.Throughput, 16, 270, 9000, 60),
            Summary(Scenario.CacheMiss, 1, 20, 1000, 36),
            Summary(Scenario.CacheHit, 1, 25, 250, 36),
        ];
        var singleStream = new SingleStreamProfile(3, 30, 33, 36, []);

        var targets = TargetEvaluator.Evaluate(scenarios, singleStream).ToDictionary(t => t.Name);

        // decode: 16 / 60 ms against 1 / 36 ms per token.
        Assert.Equal(16 * 36 / 60.0, targets["aggregate-throughput"].Measured!.Value, 9);
        Assert.True(targets["aggregate-throughput"].Met);
        Assert.Equal("≥ 8× single stream", targets["aggregate-throughput"].Goal);
        Assert.Equal(1.2, targets["single-stream-overhead"].Measured!.Value, 9);
        Assert.True(targets["single-stream-overhead"].Met);
        Assert.Equal(0.25, targets["hot-ttft"].Measured!.Value, 9);
        Assert.True(targets["hot-ttft"].Met);
    }

    [Fact]
    public void TargetsAreMissedOrUnmeasuredHonestly()
    {
        ScenarioSummary[] scenarios =
        [
            Summary(Scenario.Throughput, 1, 30, 900, 45),
            Summary(Scenario.Throughput, 16, 200, 9000, 120),
            Summary(Scenario.CacheMiss, 1, 20, 1000, 36),
        ];
        var singleStream = new SingleStreamProfile(3, 30, 33, 45, []);

        var targets = TargetEvaluator.Evaluate(scenarios, singleStream).ToDictionary(t => t.Name);

        Assert.False(targets["aggregate-throughput"].Met);
        Assert.False(targets["single-stream-overhead"].Met);
        Assert.Null(targets["hot-ttft"].Measured);
        Assert.Null(targets["hot-ttft"].Met);
        Assert.Null(TargetEvaluator.Evaluate(scenarios, null).Single(t => t.Name == "single-stream-overhead").Met);
    }
}
