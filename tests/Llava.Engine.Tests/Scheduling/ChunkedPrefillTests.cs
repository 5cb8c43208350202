using Llava.Engine.Generation;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>Prompts split over many steps and mixed with other sequences' decode tokens still give the golden output.</summary>
public class ChunkedPrefillTests
{
    [Fact]
    public async Task PromptsPrefilledInSmallChunksAmongDecodingStreamsMatchTheReference()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 4,
            // At most 7 prompt positions per step: a 95-token prompt takes 14+ steps, interleaved with decodes.
            MaxBatchTokens = 7,
            EnablePrefixCaching = false,
        });
        var names = GoldenCases.Names.Select(n => (string)n[0]).ToList();

        var runs = await Task.WhenAll(names.Select(name => Run(engine, Golden(engine, name), Greedy(12) with { TopLogprobs = 1 })));

        for (var i = 0; i < names.Count; i++)
        {
            var greedy = GoldenCases.Get(names[i]).GetProperty("greedy");
            Assert.Equal(GoldenCases.Ints(greedy.GetProperty("ids")), runs[i].Tokens);
            Assert.Equal(greedy.GetProperty("text").GetString(), runs[i].Text);
            var steps = greedy.GetProperty("steps").EnumerateArray().ToList();
            var logprobs = runs[i].Events.Where(e => e.Logprobs is not null).Select(e => e.Logprobs!.Chosen.Logprob).ToList();
            for (var k = 0; k < steps.Count; k++)
                Assert.InRange(logprobs[k] - steps[k].GetProperty("logprob").GetDouble(), -1e-3, 1e-3);
        }
        var stats = engine.GetStats();
        var promptTokens = names.Sum(name => GoldenCases.Get(name).GetProperty("num_input_tokens").GetInt32());
        Assert.Equal(promptTokens, stats.PromptTokens);
        Assert.Equal(promptTokens, stats.PrefillTokens);
        Assert.True(stats.Steps >= promptTokens / 7);
    }

    /// <summary>
    /// Every step gives each decoding sequence its token before any prefill chunk, so a stream advances one token
    /// per step while another request's long prompt is prefilled in the rest of the budget.
    /// </summary>
    [Fact]
    public async Task AStreamKeepsDecodingWhileALongPromptPrefills()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 2,
            MaxBatchTokens = 5,
            EnablePrefixCaching = false,
        });
        var decoding = Golden(engine, "text_only");
        var expected = await Run(engine, decoding, Greedy(300));
        var stepsBefore = engine.GetStats().Steps;

        var stream = engine.GenerateAsync(decoding, Greedy(300)).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        // 94 prompt positions at 4 per step (the decoding stream takes the fifth) need 24 steps.
        var longPrompt = Run(engine, Golden(engine, "two_images"), Greedy(1));
        var tokens = new List<int> { stream.Current.TokenId!.Value };
        while (await stream.MoveNextAsync())
        {
            if (stream.Current.TokenId is { } id) tokens.Add(id);
        }
        await stream.DisposeAsync();
        Assert.Single((await longPrompt).Tokens);

        Assert.Equal(expected.Tokens, tokens);
        // The stream's 21-token prompt took 5 steps (the last one sampling its first token), then one step per
        // token: the long prompt's 24 prefill steps all ran alongside it, none in between.
        Assert.Equal(5 + 299, engine.GetStats().Steps - stepsBefore);
    }
}
