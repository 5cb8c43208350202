using System.Text.Json;
using LlavaBench.Client;
using LlavaBench.Measurement;
using LlavaBench.Reporting;
using LlavaBench.Running;
using LlavaBench.Soak;

namespace LlavaBench.Tests;

public class ReportJsonTests
{
    private static BenchReport Sample()
    {
        var results = new List<RequestResult>
        {
            new() { Outcome = RequestOutcome.Completed, Status = 200, FirstTokenMs = 800, LastTokenMs = 2690, LatencyMs = 2700,
                PromptTokens = 293, CompletionTokens = 64, InterTokenMs = [30, 30] },
        };
        var scenario = ScenarioSummary.From(new ScenarioRun(new Scenario("throughput c=1", Scenario.Throughput, 1, 1, _ => ""), results, 2.7), 30);
        var bare = new BareForwardTimes(293, 325, 220, 610, [new BatchDecodeTime(1, 29.5, 33.9)]);
        var singleStream = new SingleStreamProfile(1, 29.5, 30.5, 30.0, [new SingleStreamRound(29.5, 30.5, 30.0)]);
        var run = new DTypeRun("bfloat16", 3.1, 3.4, bare, singleStream, [scenario], TargetEvaluator.Evaluate([scenario], singleStream));
        var plan = new SoakPlan("bfloat16", TimeSpan.FromMinutes(2), 32, 16, 64, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        var soak = SoakRunner.Summarize(plan, results, 120,
            [new RssSample(0, 900), new RssSample(25, 1000), new RssSample(30, 1100), new RssSample(40, 1140), new RssSample(50, 1200),
             new RssSample(80, 1180), new RssSample(100, 1150), new RssSample(110, 1130), new RssSample(120, 1120)]);
        return new BenchReport(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            new MachineInfo(2, "Debian GNU/Linux 12", ".NET 10", 3.0),
            new ModelReport("/models/bench", "llava-bench-179m", 178_565_376),
            new BenchSettings("in-process", 64, 0, [1, 4, 16], 6, 16, 64, 30, 300),
            [run], soak);
    }

    [Fact]
    public void UsesCamelCaseNamesAndTheDocumentedShape()
    {
        using var json = JsonDocument.Parse(ReportJson.Serialize(Sample()));
        var root = json.RootElement;

        Assert.Equal(178_565_376, root.GetProperty("model").GetProperty("parameterCount").GetInt64());
        Assert.Equal([1, 4, 16], root.GetProperty("settings").GetProperty("concurrency").EnumerateArray().Select(e => e.GetInt32()));
        var run = root.GetProperty("runs")[0];
        Assert.Equal("bfloat16", run.GetProperty("dtype").GetString());
        Assert.Equal(29.5, run.GetProperty("bare").GetProperty("decode")[0].GetProperty("stepMs").GetDouble());
        Assert.Equal(30.5, run.GetProperty("singleStream").GetProperty("engineMsPerToken").GetDouble());
        Assert.Equal(30.0, run.GetProperty("singleStream").GetProperty("perRound")[0].GetProperty("httpMsPerToken").GetDouble());
        var scenario = run.GetProperty("scenarios")[0];
        Assert.Equal("throughput", scenario.GetProperty("kind").GetString());
        Assert.Equal(800, scenario.GetProperty("timeToFirstTokenMs").GetProperty("p50").GetDouble());
        Assert.Equal(30, scenario.GetProperty("interTokenLatencyMs").GetProperty("p95").GetDouble());
        Assert.Equal(30, scenario.GetProperty("timePerOutputTokenMs").GetProperty("p50").GetDouble());
        Assert.Equal(64 / 2.7, scenario.GetProperty("outputTokensPerSecond").GetDouble(), 9);
        var target = run.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "single-stream-overhead");
        Assert.True(target.GetProperty("met").GetBoolean());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("targets")[0].GetProperty("met").ValueKind);
        var soak = root.GetProperty("soak");
        // Medians of the first third after warm-up (30–60 s: 1100, 1140, 1200) and of the last (90–120 s: 1150, 1130, 1120).
        Assert.Equal(1140, soak.GetProperty("rssAfterWarmupMb").GetDouble());
        Assert.Equal(1130, soak.GetProperty("rssEndMb").GetDouble());
        Assert.True(soak.GetProperty("noFailures").GetBoolean());
        Assert.Equal(0, soak.GetProperty("stalledMidStream").GetInt32());
        Assert.Equal(300, root.GetProperty("settings").GetProperty("timeoutSeconds").GetDouble());
        Assert.Equal(9, soak.GetProperty("rss").GetArrayLength());
        var request = soak.GetProperty("requests")[0];
        Assert.Equal("completed", request.GetProperty("outcome").GetString());
        Assert.Equal(800, request.GetProperty("firstTokenMs").GetDouble());
        Assert.Equal(800, request.GetProperty("longestSilenceMs").GetDouble());
    }

    [Fact]
    public void RoundTrips()
    {
        var report = Sample();
        var back = ReportJson.Deserialize(ReportJson.Serialize(report))!;

        Assert.Equal(ReportJson.Serialize(report), ReportJson.Serialize(back));
        Assert.Equal(report.Runs[0].Scenarios[0].TimeToFirstTokenMs, back.Runs[0].Scenarios[0].TimeToFirstTokenMs);
    }
}
