using LlavaBench.Client;
using LlavaBench.Measurement;
using LlavaBench.Reporting;
using LlavaBench.Running;

namespace LlavaBench.Tests;

public class PeerReportTests
{
    /// <summary>One scenario whose requests each took <paramref name="tokens"/> tokens <paramref name="gapMs"/> apart.</summary>
    private static ScenarioSummary Throughput(string images, int concurrency, double gapMs, double wallSeconds, int tokens = 10)
    {
        var results = Enumerable.Range(0, concurrency).Select(_ => new RequestResult
        {
            Outcome = RequestOutcome.Completed,
            Status = 200,
            FirstTokenMs = 500,
            LastTokenMs = 500 + gapMs * (tokens - 1),
            LatencyMs = 510 + gapMs * (tokens - 1),
            PromptTokens = 300,
            CompletionTokens = tokens,
            InterTokenMs = Enumerable.Repeat(gapMs, tokens - 1).ToList(),
        }).ToList();
        var scenario = new Scenario($"throughput c={concurrency}, {images} images", Scenario.Throughput, concurrency, concurrency, _ => "", images);
        return ScenarioSummary.From(new ScenarioRun(scenario, results, wallSeconds), 30);
    }

    private static readonly ScenarioSummary[] Ours =
        [Throughput("distinct", 1, 40, 1), Throughput("distinct", 16, 200, 2), Throughput("repeated", 1, 40, 1), Throughput("repeated", 16, 200, 2)];

    private static readonly PeerRun Peer = new("llama.cpp", "f32", "http://127.0.0.1:8090", "llava-bench-179m",
        [Throughput("distinct", 1, 50, 1), Throughput("distinct", 16, 400, 8), Throughput("repeated", 1, 40, 1), Throughput("repeated", 16, 400, 4)]);

    private static TargetCheck Target(IEnumerable<TargetCheck> targets, string name) => targets.Single(t => t.Name == name);

    [Fact]
    public void ComparesEachImageModeWithThePeersScenarioOfTheSameName()
    {
        var targets = TargetEvaluator.Evaluate(Ours, null, peer: Peer);

        var itl = Target(targets, "itl-vs-peer (distinct images)");
        Assert.Equal(0.8, itl.Measured!.Value, 9);
        Assert.True(itl.Met);
        Assert.False(Target(targets, "itl-vs-peer (repeated images)").Met);
        // 160 tokens in 2 s against 160 in 8 s (distinct) and in 4 s (repeated).
        var rate = Target(targets, "throughput-vs-peer (distinct images)");
        Assert.Equal(4, rate.Measured!.Value, 9);
        Assert.True(rate.Met);
        Assert.Equal(2, Target(targets, "throughput-vs-peer (repeated images)").Measured!.Value, 9);
        Assert.False(Target(targets, "throughput-vs-peer (repeated images)").Met);
    }

    [Fact]
    public void WithoutAPeerScenarioTheComparisonIsNotMeasured()
    {
        var peer = Peer with { Scenarios = [Peer.Scenarios[0]] };

        var targets = TargetEvaluator.Evaluate(Ours, null, peer: peer);

        Assert.Null(Target(targets, "throughput-vs-peer (distinct images)").Met);
        Assert.Null(Target(targets, "itl-vs-peer (repeated images)").Met);
        Assert.DoesNotContain(TargetEvaluator.Evaluate(Ours, null), t => t.Name.StartsWith("itl-vs-peer", StringComparison.Ordinal));
    }

    [Fact]
    public void PrintsOurRowThenThePeersForEveryScenario()
    {
        var run = new DTypeRun("float32", 1, 1, null, null, Ours, [], Peer);
        var output = new StringWriter();

        MarkdownReport.WriteRun(run, output);

        var rows = output.ToString().Split('\n').Where(l => l.StartsWith("| throughput", StringComparison.Ordinal)).ToList();
        var sideBySide = rows.Where(r => r.Contains("| LlavaServer |") || r.Contains("| llama.cpp |")).ToList();
        Assert.Equal(8, sideBySide.Count);
        Assert.StartsWith("| throughput c=1, distinct images | LlavaServer | float32 | 1 |", sideBySide[0]);
        Assert.StartsWith("| throughput c=1, distinct images | llama.cpp | f32 | 1 |", sideBySide[1]);
        Assert.StartsWith("| throughput c=16, repeated images | llama.cpp | f32 | 16 |", sideBySide[7]);
        Assert.Contains("| 80.0 |", sideBySide[2]);
        Assert.Contains("| 20.0 |", sideBySide[3]);
    }

    [Fact]
    public void ADecodeStepIsComparedWithItsMatmulsAtEveryBatchSize()
    {
        var bare = new BareForwardTimes(300, 332, 200, 600,
            [new BatchDecodeTime(1, 12, 83, 10), new BatchDecodeTime(16, 30, 533, 20), new BatchDecodeTime(4, 20, 200)]);

        var targets = TargetEvaluator.Evaluate(Ours, null, bare);

        Assert.Equal(1.2, Target(targets, "decode-step-vs-matmuls b=1").Measured!.Value, 9);
        Assert.True(Target(targets, "decode-step-vs-matmuls b=1").Met);
        Assert.False(Target(targets, "decode-step-vs-matmuls b=16").Met);
        Assert.Null(Target(targets, "decode-step-vs-matmuls b=4").Met);
    }

    [Fact]
    public void TheBareLineShowsTheAttentionAloneWhereItWasTimed()
    {
        var bare = new BareForwardTimes(300, 332, 200, 600, [new BatchDecodeTime(1, 12, 83, 10, 0.6), new BatchDecodeTime(16, 30, 533, 20)]);
        var output = new StringWriter();

        MarkdownReport.WriteRun(new DTypeRun("bfloat16", 1, 1, bare, null, Ours, []), output);

        var line = output.ToString().Split('\n').Single(l => l.StartsWith("Bare model", StringComparison.Ordinal));
        Assert.Contains("batch 1: 12.0 ms (83 tok/s; matmuls alone 10.0 ms, 1.20×; attention alone 0.6 ms)", line);
        Assert.Contains("batch 16: 30.0 ms (533 tok/s; matmuls alone 20.0 ms, 1.50×)", line);
    }
}
