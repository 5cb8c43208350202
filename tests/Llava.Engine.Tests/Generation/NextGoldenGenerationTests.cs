using System.Collections.Concurrent;
using System.Text.Json;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Generation;

/// <summary>
/// One engine per LLaVA-NeXT fixture checkpoint and chat template, loaded on first use: a golden case may name
/// another NeXT family's template (<c>chat_template_folder</c>, under the Prompting tests' Data), which the engine
/// then takes as its <c>--chat-template</c>.
/// </summary>
public sealed class NextEngines : IDisposable
{
    private readonly ConcurrentDictionary<(string Model, string? Template), LlavaEngine> _engines = new();

    public LlavaEngine For(string model, JsonElement goldenCase) =>
        For(model, goldenCase.TryGetProperty("chat_template_folder", out var folder) && folder.ValueKind == JsonValueKind.String
            ? folder.GetString()
            : null);

    private LlavaEngine For(string model, string? templateFolder) => _engines.GetOrAdd((model, templateFolder), key => LlavaEngine.Load(new EngineOptions
    {
        ModelPath = NextGolden.ModelDir(key.Model),
        ChatTemplate = key.Template is null
            ? null
            : Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data", key.Template, "chat_template.json"),
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
        var prompt = engines.For(model, golden).Prompts.Build(GoldenMessages.For(golden, NextGolden.Folder));

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
        var engine = engines.For(model, golden);

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
