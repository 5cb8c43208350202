using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Generation;

/// <summary>
/// The whole path — chat template, tokenizer, image decode and preprocessing, model, KV cache, greedy
/// sampling, detokenization — against what Hugging Face produced for the same messages.
/// </summary>
public class GoldenGenerationTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    public static IEnumerable<object[]> Cases => GoldenCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GreedyContinuationMatchesReference(string name)
    {
        var golden = GoldenCases.Get(name);
        var greedy = golden.GetProperty("greedy");
        var engine = shared.Engine;

        var prompt = engine.Prompts.Build(GoldenMessages.For(golden));
        Assert.Equal(golden.GetProperty("prompt").GetString(), prompt.Text);
        Assert.Equal(GoldenCases.Ints(golden.GetProperty("input_ids")), prompt.TokenIds);

        var parameters = new SamplingParams
        {
            Temperature = 0,
            MaxTokens = greedy.GetProperty("max_new_tokens").GetInt32(),
            TopLogprobs = 5,
            IgnoreEos = true,
        };
        var events = new List<GenerationEvent>();
        await foreach (var item in engine.GenerateAsync(prompt, parameters)) events.Add(item);

        var tokens = events.Where(e => e.TokenId is not null).ToList();
        Assert.Equal(GoldenCases.Ints(greedy.GetProperty("ids")), tokens.Select(e => e.TokenId!.Value));
        Assert.Equal(greedy.GetProperty("text").GetString(), string.Concat(events.Select(e => e.Text)));

        GoldenSteps.AssertLogprobs(greedy, tokens);

        var finish = events[^1];
        Assert.Equal(FinishReason.Length, finish.Finish);
        Assert.Equal((prompt.TokenIds.Count, tokens.Count), (finish.Usage!.PromptTokens, finish.Usage.CompletionTokens));
    }
}
