using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>
/// Reusing a cached prompt prefix must change nothing but the work done. References come from an engine without
/// prefix caching.
/// </summary>
public class PrefixCacheTests
{
    private static LlavaEngine Load(bool prefixCaching, int slots = 4) => LlavaEngine.Load(new EngineOptions
    {
        ModelPath = RepoPaths.FixtureModel,
        MaxModelLength = 512,
        MaxRunningSequences = slots,
        EnablePrefixCaching = prefixCaching,
    });

    public static TheoryData<bool> SamplingModes => new() { false, true };

    private static SamplingParams Parameters(bool sampled) => sampled ? Seeded(16, seed: 21) with { TopLogprobs = 2 } : Greedy(16) with { TopLogprobs = 2 };

    [Theory]
    [MemberData(nameof(SamplingModes))]
    public async Task SameImageDifferentQuestionReusesTheSharedPrefix(bool sampled)
    {
        using var reference = Load(prefixCaching: false);
        using var engine = Load(prefixCaching: true);
        var first = ImageQuestion(engine, "landscape_640x480.png", "Describe this photo in detail.");
        var second = ImageQuestion(engine, "landscape_640x480.png", "What is in the sky of this picture?");
        var shared = first.TokenIds.Zip(second.TokenIds).TakeWhile(pair => pair.First == pair.Second).Count();
        Assert.True(shared > 41, "the prompts should share the image and some text");

        var computed = await Run(engine, first, Parameters(sampled));
        var before = engine.GetStats();
        var withHit = await Run(engine, second, Parameters(sampled));
        var after = engine.GetStats();
        var expected = await Run(reference, second, Parameters(sampled));

        Assert.Equal(before.PrefixCacheHits + 1, after.PrefixCacheHits);
        Assert.Equal(before.PrefixCacheReusedTokens + shared, after.PrefixCacheReusedTokens);
        Assert.Equal(before.PrefillTokens + second.TokenIds.Count - shared, after.PrefillTokens);
        // The image lies inside the reused prefix: the vision tower did not run again.
        Assert.Equal(before.ImageCacheHits + before.ImageCacheMisses, after.ImageCacheHits + after.ImageCacheMisses);
        // The usage reports the reused positions, the image's included, as cached prompt tokens.
        Assert.Equal(0, computed.Events[^1].Usage!.CachedPromptTokens);
        Assert.Equal(shared, withHit.Events[^1].Usage!.CachedPromptTokens);
        AssertSameOutput(expected, withHit);
    }

    /// <summary>
    /// A repeated prompt reuses the keys and values of all its positions and the logits after them: nothing is
    /// computed before its first token, which is sampled from exactly the first run's logits.
    /// </summary>
    [Theory]
    [MemberData(nameof(SamplingModes))]
    public async Task RepeatedPromptReusesItsWholePromptAndLogits(bool sampled)
    {
        using var reference = Load(prefixCaching: false);
        using var engine = Load(prefixCaching: true);
        var prompt = Golden(engine, "multi_turn");

        var miss = await Run(engine, prompt, Parameters(sampled));
        var hit = await Run(engine, prompt, Parameters(sampled));
        var expected = await Run(reference, prompt, Parameters(sampled));

        var stats = engine.GetStats();
        Assert.Equal(1, stats.PrefixCacheMisses);
        Assert.Equal(1, stats.PrefixCacheHits);
        Assert.Equal(prompt.TokenIds.Count, stats.PrefixCacheReusedTokens);
        Assert.Equal(prompt.TokenIds.Count, stats.PrefillTokens);
        Assert.Equal((0, prompt.TokenIds.Count), (miss.Events[^1].Usage!.CachedPromptTokens, hit.Events[^1].Usage!.CachedPromptTokens));
        AssertSameOutput(expected, miss);
        AssertSameOutput(expected, hit);
        Assert.Equal(Logprobs(miss), Logprobs(hit));
    }

    /// <summary>
    /// The prompts have identical token ids (image positions all carry the image token id); only the images differ,
    /// so nothing past the first image position may be reused.
    /// </summary>
    [Fact]
    public async Task DifferentImageWithTheSameTextIsNoHit()
    {
        using var reference = Load(prefixCaching: false);
        using var engine = Load(prefixCaching: true);
        var first = ImageQuestion(engine, "gradient_84x84.png", "What is shown in this image?");
        var second = ImageQuestion(engine, "landscape_640x480.png", "What is shown in this image?");
        Assert.Equal(first.TokenIds, second.TokenIds);

        await Run(engine, first, Greedy(12));
        var withOtherImage = await Run(engine, second, Greedy(12));
        var expected = await Run(reference, second, Greedy(12));

        var stats = engine.GetStats();
        Assert.Equal(0, stats.PrefixCacheHits);
        Assert.Equal(0, stats.PrefixCacheReusedTokens);
        AssertSameOutput(expected, withOtherImage);
    }

    /// <summary>Two slots: after two other prompts have used both, the first prompt's prefix is gone.</summary>
    [Fact]
    public async Task CachedPrefixesAreEvictedLeastRecentlyUsedFirstWhenSlotsRunOut()
    {
        using var engine = Load(prefixCaching: true, slots: 2);
        var prompt = Golden(engine, "single_landscape");
        var expected = await Run(engine, prompt, Greedy(12));
        Assert.Equal(1, engine.GetStats().KvCacheSlotsCached);

        await Task.WhenAll(
            Run(engine, Golden(engine, "text_only"), Greedy(30)),
            Run(engine, Golden(engine, "tiny_image"), Greedy(30)));
        var afterPressure = engine.GetStats();
        Assert.Equal(2, afterPressure.KvCacheSlotsCached);
        Assert.Equal(0, afterPressure.PrefixCacheHits);

        var again = await Run(engine, prompt, Greedy(12));
        var stats = engine.GetStats();
        Assert.Equal(0, stats.PrefixCacheHits);
        Assert.Equal(4, stats.PrefixCacheMisses);
        AssertSameOutput(expected, again);

        // The most recently cached prefix is still there.
        await Run(engine, prompt, Greedy(12));
        Assert.Equal(1, engine.GetStats().PrefixCacheHits);
    }

    /// <summary>Identical prompts arriving together: later ones copy the prefix the first one is computing.</summary>
    [Fact]
    public async Task ConcurrentIdenticalPromptsShareTheComputedPrefix()
    {
        using var reference = Load(prefixCaching: false);
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 4,
            // A small step budget keeps the first prompt prefilling over several steps while the others arrive.
            MaxBatchTokens = 8,
        });
        var prompt = Golden(engine, "two_images");
        var expected = await Run(reference, prompt, Greedy(10));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Run(engine, prompt, Greedy(10))));

        foreach (var run in runs) Assert.Equal(expected.Tokens, run.Tokens);
        var stats = engine.GetStats();
        Assert.True(stats.PrefixCacheHits >= 1);
        Assert.True(stats.PrefillTokens < 4 * prompt.TokenIds.Count);
    }

    /// <summary>
    /// vLLM's cache_salt: the same image and prompt under another salt reuse neither a prefix nor the image's
    /// features (so timing tells one tenant nothing about another's requests); under the same salt they reuse both.
    /// </summary>
    [Fact]
    public async Task OnlyRequestsWithTheSameSaltShareCachedPrefixesAndImages()
    {
        using var engine = Load(prefixCaching: true);
        var prompt = ImageQuestion(engine, "landscape_640x480.png", "Describe this photo in detail.");
        var tenantA = prompt with { CacheSalt = "tenant-a" };

        var expected = await Run(engine, tenantA, Greedy(8));
        var afterA = engine.GetStats();
        Assert.Equal((0, 1, 0, 1), (afterA.PrefixCacheHits, afterA.PrefixCacheMisses, afterA.ImageCacheHits, afterA.ImageCacheMisses));

        foreach (var other in new[] { prompt with { CacheSalt = "tenant-b" }, prompt })
        {
            var before = engine.GetStats();
            AssertSameOutput(expected, await Run(engine, other, Greedy(8)));
            var after = engine.GetStats();
            Assert.Equal(before.PrefixCacheHits, after.PrefixCacheHits);
            Assert.Equal(before.ImageCacheHits, after.ImageCacheHits);
            Assert.Equal(before.ImageCacheMisses + 1, after.ImageCacheMisses);
        }

        var beforeSame = engine.GetStats();
        AssertSameOutput(expected, await Run(engine, prompt with { CacheSalt = "tenant-a" }, Greedy(8)));
        var afterSame = engine.GetStats();
        Assert.Equal(beforeSame.PrefixCacheHits + 1, afterSame.PrefixCacheHits);
        Assert.Equal(beforeSame.PrefixCacheReusedTokens + prompt.TokenIds.Count, afterSame.PrefixCacheReusedTokens);
    }

    private static List<float> Logprobs(StreamResult result) =>
        result.Events.Where(e => e.Logprobs is not null).SelectMany(e => e.Logprobs!.Top.Select(t => t.Logprob).Prepend(e.Logprobs.Chosen.Logprob)).ToList();

    private static void AssertSameOutput(StreamResult expected, StreamResult actual)
    {
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.Equal(expected.Text, actual.Text);
        var expectedLogprobs = expected.Events.Where(e => e.Logprobs is not null).Select(e => e.Logprobs!.Chosen.Logprob).ToList();
        var actualLogprobs = actual.Events.Where(e => e.Logprobs is not null).Select(e => e.Logprobs!.Chosen.Logprob).ToList();
        Assert.Equal(expectedLogprobs.Count, actualLogprobs.Count);
        for (var i = 0; i < expectedLogprobs.Count; i++) Assert.InRange(actualLogprobs[i] - expectedLogprobs[i], -1e-4, 1e-4);
    }
}
