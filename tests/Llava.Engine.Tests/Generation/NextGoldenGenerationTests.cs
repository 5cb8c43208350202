using System.Collections.Concurrent;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Generation;

/// <summary>One engine per LLaVA-NeXT fixture checkpoint, loaded on first use.</summary>
public sealed class NextEngines : IDisposable
{
    private readonly ConcurrentDictionary<string, LlavaEngine> _engines = new();

    public LlavaEngine For(string model) => _engines.GetOrAdd(model, m => LlavaEngine.Load(new EngineOptions
    {
        ModelPath = NextGolden.ModelDir(m),
        MaxRunningSequences = 2,
        MaxModelLength = 2048,
        // The references are float32 computations (bf16 weights upcast); --dtype auto would keep a bf16 checkpoint in
        // bf16 on a CPU with native bf16.
        DType = "float32",
    }));

    public void Dispose()
    {
        foreach (var engine in _engines.Values) engine.Dispose();
    }
}

/// <summary>
/// LLaVA-NeXT through the whole engine — chat template, tokenizer, anyres preprocessing, per-image position counts,
/// packed features, chunked prefill (the multi-image prompts exceed one step's token budget) and greedy decoding —
/// against Hugging Face's outputs for the same messages.
/// </summary>
public class NextGoldenGenerationTests(NextEngines engines) : IClassFixture<NextEngines>
{
    public static IEnumerable<object[]> Cases => NextGolden.ModelCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void PromptTextPositionsAndTokenIdsMatchReference(string model, string name)
    {
        var golden = NextGolden.Case(model, name);
        var prompt = engines.For(model).Prompts.Build(GoldenMessages.For(golden, NextGolden.Folder));

        Assert.Equal(golden.GetProperty("prompt").GetString(), prompt.Text);
        Assert.Equal(golden.GetProperty("image_sizes").EnumerateArray().Select(s => (s[0].GetInt32(), s[1].GetInt32())),
            prompt.Images.Select(i => (i.SourceHeight, i.SourceWidth)));
        Assert.Equal(GoldenCases.Ints(golden.GetProperty("image_token_counts")), prompt.Images.Select(i => i.Input.Positions));
        Assert.Equal(GoldenCases.Ints(golden.GetProperty("input_ids")), prompt.TokenIds);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PromptAndGreedyContinuationMatchReference(string model, string name)
    {
        var golden = NextGolden.Case(model, name);
        var greedy = golden.GetProperty("greedy");
        var engine = engines.For(model);

        var prompt = engine.Prompts.Build(GoldenMessages.For(golden, NextGolden.Folder));

        var parameters = new SamplingParams { Temperature = 0, MaxTokens = 12, TopLogprobs = 5, IgnoreEos = true };
        var tokens = new List<GenerationEvent>();
        await foreach (var item in engine.GenerateAsync(prompt, parameters))
        {
            if (item.TokenId is not null) tokens.Add(item);
        }

        Assert.Equal(GoldenCases.Ints(greedy.GetProperty("ids")), tokens.Select(e => e.TokenId!.Value));
        GoldenSteps.AssertLogprobs(greedy, tokens);
    }

    [Fact]
    public void AnImageTooLargeForTheContextIsRefusedWithItsPositionCount()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = NextGolden.ModelDir(NextGolden.Models[0]),
            MaxRunningSequences = 1,
            MaxModelLength = 128,
        });
        var golden = NextGolden.Case(NextGolden.Models[0], "single_landscape_640x480");
        var prompt = engine.Prompts.Build(GoldenMessages.For(golden, NextGolden.Folder));

        var error = Assert.Throws<PromptException>(() =>
            engine.GenerateAsync(prompt, new SamplingParams { MaxTokens = 8 }));

        Assert.Contains("maximum context length is 128 tokens", error.Message);
        Assert.Contains($"of which {prompt.Images[0].Input.Positions} for 1 image(s)", error.Message);
    }
}
