using LlavaBench.Measurement;
using LlavaBench.Running;

namespace LlavaBench.Reporting;

/// <summary>
/// The targets for one dtype: aggregate throughput at the highest concurrency against a single stream
/// (≥ half the concurrency, i.e. 8× at 16), single-stream time per token against the bare forward (≤ 1.3×), and
/// time to first token with hot caches against cold (≤ 30%).
/// </summary>
public static class TargetEvaluator
{
    public const double SingleStreamOverheadLimit = 1.3;
    public const double HotTtftShareLimit = 0.30;

    private static readonly string HotGoal = $"≤ {HotTtftShareLimit * 100:0}% of cold";

    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyList<ScenarioSummary> scenarios, BareForwardTimes? bare)
    {
        var throughput = scenarios.Where(s => s.Kind == Scenario.Throughput && s.Completed > 0).ToList();
        var single = throughput.FirstOrDefault(s => s.Concurrency == 1);
        var widest = throughput.Where(s => s.Concurrency > 1).MaxBy(s => s.Concurrency);
        return [Aggregate(single, widest), SingleStream(single, bare), HotTtft(scenarios)];
    }

    private static TargetCheck Aggregate(ScenarioSummary? single, ScenarioSummary? widest)
    {
        if (single is null || widest is null || single.OutputTokensPerSecond <= 0)
            return new TargetCheck("aggregate-throughput", "≥ concurrency/2 × single stream", null, null,
                "needs throughput scenarios at concurrency 1 and above 1");
        var goal = widest.Concurrency / 2.0;
        var ratio = widest.OutputTokensPerSecond / single.OutputTokensPerSecond;
        return new TargetCheck("aggregate-throughput", $"≥ {goal:0.#}× single stream", ratio, ratio >= goal,
            $"{widest.OutputTokensPerSecond:F1} tok/s at concurrency {widest.Concurrency} / {single.OutputTokensPerSecond:F1} tok/s at 1");
    }

    private static TargetCheck SingleStream(ScenarioSummary? single, BareForwardTimes? bare)
    {
        if (single?.TimePerOutputTokenMs.P50 is not { } perToken || bare is null)
            return new TargetCheck("single-stream-overhead", $"≤ {SingleStreamOverheadLimit}× bare forward", null, null,
                "needs the concurrency-1 scenario and the bare-forward timing");
        var ratio = perToken / bare.SingleDecodeMs;
        return new TargetCheck("single-stream-overhead", $"≤ {SingleStreamOverheadLimit}× bare forward", ratio,
            ratio <= SingleStreamOverheadLimit,
            $"{perToken:F1} ms per token over HTTP (p50) / {bare.SingleDecodeMs:F1} ms bare decode step");
    }

    private static TargetCheck HotTtft(IReadOnlyList<ScenarioSummary> scenarios)
    {
        var cold = scenarios.FirstOrDefault(s => s.Kind == Scenario.CacheMiss)?.TimeToFirstTokenMs.P50;
        var hot = scenarios.FirstOrDefault(s => s.Kind == Scenario.CacheHit)?.TimeToFirstTokenMs.P50;
        if (cold is not { } coldMs || hot is not { } hotMs || coldMs <= 0)
            return new TargetCheck("hot-ttft", HotGoal, null, null, "needs both cache scenarios");
        var share = hotMs / coldMs;
        return new TargetCheck("hot-ttft", HotGoal, share, share <= HotTtftShareLimit,
            $"{hotMs:F0} ms hot / {coldMs:F0} ms cold (TTFT p50)");
    }
}
