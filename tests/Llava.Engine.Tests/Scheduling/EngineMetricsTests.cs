using System.Diagnostics.Metrics;
using Llava.Engine.Generation;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

public class EngineMetricsTests
{
    [Fact]
    public async Task InstrumentsReportTheEnginesCounters()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 3,
        });
        var observed = new Dictionary<string, long>();
        var stepDurations = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LlavaEngine.MeterName && ReferenceEquals(instrument.Meter.Scope, engine))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => observed[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "llava.engine.step.duration") Interlocked.Increment(ref stepDurations);
        });
        listener.Start();

        var prompt = Golden(engine, "single_gradient");
        await Run(engine, prompt, Greedy(5));
        await Run(engine, prompt, Greedy(5));
        listener.RecordObservableInstruments();
        var stats = engine.GetStats();

        Assert.Equal(10, stats.GeneratedTokens);
        Assert.Equal(stats.GeneratedTokens, observed["llava.engine.generated_tokens"]);
        Assert.Equal(2 * prompt.TokenIds.Count, observed["llava.engine.prompt_tokens"]);
        Assert.Equal((1L, 1L), (observed["llava.engine.prefix_cache.hits"], observed["llava.engine.prefix_cache.misses"]));
        Assert.Equal(prompt.TokenIds.Count, observed["llava.engine.prefix_cache.reused_tokens"]);
        Assert.Equal(prompt.TokenIds.Count, observed["llava.engine.prefill_tokens"]);
        Assert.Equal((0L, 1L), (observed["llava.engine.image_cache.hits"], observed["llava.engine.image_cache.misses"]));
        Assert.Equal(36 * 64 * sizeof(float), observed["llava.engine.image_cache.bytes"]);
        Assert.Equal(3, observed["llava.engine.kv_cache.slots_total"]);
        Assert.Equal(0, observed["llava.engine.kv_cache.slots_used"]);
        Assert.Equal(1, observed["llava.engine.kv_cache.slots_cached"]);
        Assert.Equal(3 * 512, observed["llava.engine.kv_cache.tokens_capacity"]);
        Assert.Equal(prompt.TokenIds.Count + 4, observed["llava.engine.kv_cache.tokens_cached"]);
        Assert.Equal(0, observed["llava.engine.running_sequences"]);
        Assert.Equal(0, observed["llava.engine.waiting_requests"]);
        Assert.Equal(0, observed["llava.engine.preemptions"]);
        Assert.Equal(stats.Steps, stepDurations);
    }
}
