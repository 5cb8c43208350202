using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>
/// A request's output must not depend on what else is in the batch: sixteen requests (every golden case greedily,
/// six seeded sampling runs) give the same tokens run alone as together.
/// </summary>
public class BatchInvarianceTests
{
    [Fact]
    public async Task SixteenConcurrentRequestsGiveTheirOutputsAlone()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 16,
            MaxBatchTokens = 1024,
            // Nothing may be shared between runs: every request computes its own prompt alone and in the batch.
            EnablePrefixCaching = false,
        });
        var names = GoldenCases.Names.Select(n => (string)n[0]).ToList();
        var requests = names.Select(name => (Golden(engine, name), Greedy(12)))
            .Concat(names.Take(6).Select((name, i) => (Golden(engine, name), Seeded(12, seed: 100 + i))))
            .ToList();
        Assert.Equal(16, requests.Count);

        var alone = new List<StreamResult>();
        foreach (var (prompt, parameters) in requests) alone.Add(await Run(engine, prompt, parameters));
        var stepsBefore = engine.GetStats().Steps;

        var together = await Task.WhenAll(requests.Select(r => Run(engine, r.Item1, r.Item2)));

        // Batched for real: sixteen 12-token generations in far fewer steps than one after another.
        Assert.True(engine.GetStats().Steps - stepsBefore <= 30, $"{engine.GetStats().Steps - stepsBefore} steps");
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(alone[i].Tokens, together[i].Tokens);
            Assert.Equal(alone[i].Text, together[i].Text);
        }
        for (var i = 0; i < names.Count; i++)
            Assert.Equal(GoldenCases.Ints(GoldenCases.Get(names[i]).GetProperty("greedy").GetProperty("ids")), together[i].Tokens);
        // The seeded runs really sample: most leave the greedy path of the same prompt.
        Assert.True(Enumerable.Range(0, 6).Count(i => !together[names.Count + i].Tokens.SequenceEqual(together[i].Tokens)) >= 3);
    }
}
