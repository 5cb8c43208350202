using System.Diagnostics.Metrics;
using Llava.Engine.Generation;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The engine's instruments on the <c>LlavaServer.Engine</c> meter. Gauges and counters observe the latest
/// <see cref="EngineStats"/> snapshot, so a scrape never touches engine-thread state; only the per-step histograms
/// are recorded as steps happen. Names and meanings: docs/scheduler.md.
/// </summary>
internal sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "LlavaServer.Engine";

    private readonly Meter _meter;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<int> _stepTokens;

    /// <param name="scope">Identifies this engine's meter among several with the same name (tests, reloads).</param>
    public EngineMetrics(Func<EngineStats> stats, object scope)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Scope = scope });
        Gauge("llava.engine.running_sequences", "{sequence}", "Sequences holding a KV-cache slot", () => stats().RunningSequences);
        Gauge("llava.engine.waiting_requests", "{request}", "Requests waiting for a slot, preempted ones included", () => stats().WaitingRequests);
        Gauge("llava.engine.kv_cache.slots_total", "{slot}", "KV-cache slots", () => stats().KvCacheSlotsTotal);
        Gauge("llava.engine.kv_cache.slots_used", "{slot}", "KV-cache slots held by running sequences", () => stats().KvCacheSlotsUsed);
        Gauge("llava.engine.kv_cache.slots_cached", "{slot}", "Idle KV-cache slots kept as cached prefixes", () => stats().KvCacheSlotsCached);
        Gauge("llava.engine.kv_cache.tokens_capacity", "{token}", "Positions all KV-cache slots can hold", () => stats().KvCacheTokensCapacity);
        Gauge("llava.engine.kv_cache.tokens_used", "{token}", "Positions holding running sequences' keys and values", () => stats().KvCacheTokensUsed);
        Gauge("llava.engine.kv_cache.tokens_cached", "{token}", "Positions holding cached prefixes", () => stats().KvCacheTokensCached);
        Gauge("llava.engine.image_cache.bytes", "By", "Bytes of cached image features", () => stats().ImageCacheBytes);
        Gauge("llava.engine.image_cache.entries", "{image}", "Images with cached features", () => stats().ImageCacheEntries);
        Counter("llava.engine.image_cache.hits", "{image}", "Images whose features came from the cache", () => stats().ImageCacheHits);
        Counter("llava.engine.image_cache.misses", "{image}", "Images run through the vision tower", () => stats().ImageCacheMisses);
        Counter("llava.engine.prefix_cache.hits", "{request}", "Admissions that reused a cached prefix", () => stats().PrefixCacheHits);
        Counter("llava.engine.prefix_cache.misses", "{request}", "Admissions without a reusable prefix", () => stats().PrefixCacheMisses);
        Counter("llava.engine.prefix_cache.reused_tokens", "{token}", "Prompt positions taken from cached prefixes", () => stats().PrefixCacheReusedTokens);
        Counter("llava.engine.preemptions", "{sequence}", "Running sequences preempted for recomputation", () => stats().Preemptions);
        Counter("llava.engine.queue_timeouts", "{request}", "Requests that timed out waiting for admission", () => stats().QueueTimeouts);
        Counter("llava.engine.prompt_tokens", "{token}", "Prompt tokens of admitted requests", () => stats().PromptTokens);
        Counter("llava.engine.prefill_tokens", "{token}", "Positions computed as prefill", () => stats().PrefillTokens);
        Counter("llava.engine.generated_tokens", "{token}", "Tokens generated", () => stats().GeneratedTokens);
        _stepDuration = _meter.CreateHistogram<double>("llava.engine.step.duration", "s",
            "Wall time of one engine step: forward pass, sampling and emission",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _stepTokens = _meter.CreateHistogram<int>("llava.engine.step.tokens", "{token}",
            "Positions run through the model in one step (decode tokens plus prefill chunks)",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] });
    }

    public void RecordStep(TimeSpan duration, int tokens)
    {
        _stepDuration.Record(duration.TotalSeconds);
        _stepTokens.Record(tokens);
    }

    private void Gauge(string name, string unit, string description, Func<long> value) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    private void Counter(string name, string unit, string description, Func<long> value) =>
        _meter.CreateObservableCounter(name, value, unit, description);

    public void Dispose() => _meter.Dispose();
}
