using Llava.Engine.Generation;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>The image cache through the engine; prefix caching is off so every request needs its image features.</summary>
public class ImageFeatureCacheTests
{
    /// <summary>One image's features on the fixture model: 36 positions × 64 float32.</summary>
    private const long FeatureBytes = 36 * 64 * sizeof(float);

    private static LlavaEngine Load(double megabytes) => LlavaEngine.Load(new EngineOptions
    {
        ModelPath = RepoPaths.FixtureModel,
        MaxModelLength = 512,
        EnablePrefixCaching = false,
        ImageCacheMegabytes = megabytes,
    });

    [Fact]
    public async Task CachedFeaturesGiveTheSameOutputAsEncodingTheImage()
    {
        using var engine = Load(megabytes: 1);
        var prompt = Golden(engine, "two_images");
        var parameters = Greedy(12) with { TopLogprobs = 5 };

        var miss = await Run(engine, prompt, parameters);
        var afterMiss = engine.GetStats();
        var hit = await Run(engine, prompt, parameters);
        var afterHit = engine.GetStats();

        Assert.Equal((0L, 2L), (afterMiss.ImageCacheHits, afterMiss.ImageCacheMisses));
        Assert.Equal((2L, 2L), (afterHit.ImageCacheHits, afterHit.ImageCacheMisses));
        Assert.Equal(2 * FeatureBytes, afterHit.ImageCacheBytes);
        Assert.Equal(miss.Tokens, hit.Tokens);
        Assert.Equal(
            miss.Events.Where(e => e.Logprobs is not null).Select(e => e.Logprobs!.Chosen.Logprob),
            hit.Events.Where(e => e.Logprobs is not null).Select(e => e.Logprobs!.Chosen.Logprob));
    }

    [Fact]
    public async Task TheBoundHoldsAndTheLeastRecentlyUsedImageGoesFirst()
    {
        var capacity = 2.5 * FeatureBytes;
        using var engine = Load(megabytes: capacity / (1024 * 1024));
        var gradient = Golden(engine, "single_gradient");
        var landscape = Golden(engine, "single_landscape");
        var tiny = Golden(engine, "tiny_image");

        foreach (var prompt in new[] { gradient, landscape, tiny }) await Run(engine, prompt, Greedy(2));
        var full = engine.GetStats();
        Assert.Equal(2, full.ImageCacheEntries);
        Assert.Equal(2 * FeatureBytes, full.ImageCacheBytes);
        Assert.True(full.ImageCacheBytes <= full.ImageCacheCapacityBytes);
        Assert.Equal((0L, 3L), (full.ImageCacheHits, full.ImageCacheMisses));

        await Run(engine, tiny, Greedy(2));
        Assert.Equal(1, engine.GetStats().ImageCacheHits);
        await Run(engine, gradient, Greedy(2));
        Assert.Equal(4, engine.GetStats().ImageCacheMisses);
        // Landscape was least recently used when the gradient came back, so it was evicted; tiny was kept.
        await Run(engine, tiny, Greedy(2));
        await Run(engine, landscape, Greedy(2));
        var last = engine.GetStats();
        Assert.Equal((2L, 5L), (last.ImageCacheHits, last.ImageCacheMisses));
        Assert.Equal(2, last.ImageCacheEntries);
    }

    [Fact]
    public async Task AZeroBoundCachesNothing()
    {
        using var engine = Load(megabytes: 0);
        var prompt = Golden(engine, "single_gradient");
        var first = await Run(engine, prompt, Greedy(6));
        var second = await Run(engine, prompt, Greedy(6));
        var stats = engine.GetStats();
        Assert.Equal((0L, 2L, 0), (stats.ImageCacheHits, stats.ImageCacheMisses, stats.ImageCacheEntries));
        Assert.Equal(first.Tokens, second.Tokens);
    }
}
