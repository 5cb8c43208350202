using Llava.Engine.Generation;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>
/// Preemption by recompute: a preempted sequence gives up its slot, waits, and is recomputed (prompt plus the
/// tokens it had generated) when it is admitted again. Its stream must continue exactly as if nothing happened.
/// </summary>
public class PreemptionTests
{
    /// <summary>
    /// One slot, two requests, preemption after 3 steps: the two sequences take turns (each resume recomputing the
    /// other's evicted slot from scratch) and both outputs equal their uninterrupted runs.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SequencesThatTakeTurnsProduceTheirUninterruptedOutput(bool sampled)
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 1,
            MaxBatchTokens = 64,
            PreemptAfter = TimeSpan.FromSeconds(3),
            TimeProvider = new SteppingClock(),
        });
        var first = Golden(engine, "text_only");
        var second = Golden(engine, "single_gradient");
        var firstParameters = sampled ? Seeded(200, seed: 11) : Greedy(200);
        var secondParameters = sampled ? Seeded(30, seed: 12) : Greedy(30);

        var firstAlone = await Run(engine, first, firstParameters);
        var secondAlone = await Run(engine, second, secondParameters);
        Assert.Equal(0, engine.GetStats().Preemptions);
        if (sampled)
        {
            // The draws matter: sampling leaves the greedy path, so a random stream restarted on resume would show.
            Assert.NotEqual((await Run(engine, first, Greedy(200))).Tokens, firstAlone.Tokens);
        }

        var together = await Task.WhenAll(Run(engine, first, firstParameters), Run(engine, second, secondParameters));

        var stats = engine.GetStats();
        Assert.True(stats.Preemptions >= 2, $"expected the sequences to take turns, saw {stats.Preemptions} preemptions");
        Assert.Equal(firstAlone.Tokens, together[0].Tokens);
        Assert.Equal(firstAlone.Text, together[0].Text);
        Assert.Equal(secondAlone.Tokens, together[1].Tokens);
        Assert.Equal(secondAlone.Text, together[1].Text);
        // The same counts; the cached prompt positions differ, as the earlier runs left their prompts cached.
        Assert.Equal(firstAlone.Events[^1].Usage! with { CachedPromptTokens = 0 }, together[0].Events[^1].Usage! with { CachedPromptTokens = 0 });
        // Recomputation shows up as prefill work beyond the prompts.
        Assert.True(stats.PrefillTokens > 2 * (first.TokenIds.Count + second.TokenIds.Count));
    }

    /// <summary>
    /// Three requests on two slots, with preemption and the prefix cache both at work (the preempting request may
    /// reuse part of its victim's slot, a resumed one whatever prefix is still cached): every output still equals
    /// its run alone.
    /// </summary>
    [Fact]
    public async Task ThreeSequencesOnTwoSlotsKeepTheirOutputs()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 2,
            MaxBatchTokens = 64,
            PrefixCacheMinTokens = 4,
            PreemptAfter = TimeSpan.FromSeconds(4),
            TimeProvider = new SteppingClock(),
        });
        var requests = new[]
        {
            (Golden(engine, "multi_turn"), Greedy(120)),
            (Golden(engine, "text_only"), Seeded(100, seed: 5)),
            (Golden(engine, "tiny_image"), Greedy(100)),
        };
        var alone = new List<StreamResult>();
        foreach (var (prompt, parameters) in requests) alone.Add(await Run(engine, prompt, parameters));

        var together = await Task.WhenAll(requests.Select(r => Run(engine, r.Item1, r.Item2)));

        Assert.True(engine.GetStats().Preemptions >= 1);
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(alone[i].Tokens, together[i].Tokens);
            Assert.Equal(alone[i].Text, together[i].Text);
        }
    }
}
