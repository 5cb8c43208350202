using Llava.Engine.Constraints;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Tests.Constraints;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Generation;

/// <summary>
/// Generation under a grammar on the random fixture model, whose unconstrained output is noise: the constraint
/// alone makes every output parse and validate. Also logit_bias end to end, with logprobs left those of the raw model.
/// </summary>
public class ConstrainedGenerationTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private LlavaEngine Engine => shared.Engine;

    private PreparedPrompt Prompt => Engine.Prompts.Build([new ChatMessage("user", "Read the receipt in this picture into JSON, please.")]);

    public static TheoryData<string> Schemas => new()
    {
        "flat_required", "optional_fields", "nested", "array_of_enums", "anyof_null", "refs", "pydantic_optional",
        "recursive_root", "string_lengths", "pattern_simple", "format_date", "integer_bounds", "number_bounds", "escaped_keys",
        "tool_arguments",
    };

    private static SamplingParams Constrained(string schema, SamplingParams parameters) =>
        parameters with { Grammar = JsonGrammar.FromSchema(SchemaCorpus.Get(schema)), MaxTokens = 400 };

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task GreedyAndSeededOutputsValidate(string schema)
    {
        // Greedy stops with ignore_eos once the value closes (nothing else may follow); the seeded runs sample EOS.
        SamplingParams[] runs = [Greedy(1), .. new long[] { 1, 2, 3 }.Select(seed => Seeded(1, seed) with { IgnoreEos = false })];
        foreach (var parameters in runs)
        {
            var result = await Run(Engine, Prompt, Constrained(schema, parameters));
            Assert.Equal(FinishReason.Stop, result.Finish);
            SchemaCorpus.AssertValid(SchemaCorpus.Get(schema), result.Text, $"{schema}, seed {parameters.Seed}");
        }
    }

    [Fact]
    public async Task FourChoicesEachFollowTheirOwnGrammarState()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Run(Engine, Prompt, Constrained("nested", Seeded(1, seed: 40 + i) with { IgnoreEos = false }))));
        foreach (var result in results)
            SchemaCorpus.AssertValid(SchemaCorpus.Get("nested"), result.Text, "nested, n = 4");
        Assert.True(results.Select(r => r.Text).Distinct().Count() > 1, "four seeds gave one output");
    }

    [Fact]
    public async Task AnUnconstrainedNeighbourGetsTheTokensItGetsAlone()
    {
        var plain = Greedy(24);
        var alone = await Run(Engine, Prompt, plain);
        var together = await Task.WhenAll(
            Run(Engine, Prompt, plain),
            Run(Engine, Prompt, Constrained("nested", Seeded(1, seed: 7))),
            Run(Engine, Prompt, Constrained("flat_required", Greedy(1))));
        Assert.Equal(alone.Tokens, together[0].Tokens);
        SchemaCorpus.AssertValid(SchemaCorpus.Get("nested"), together[1].Text, "nested beside others");
        SchemaCorpus.AssertValid(SchemaCorpus.Get("flat_required"), together[2].Text, "flat_required beside others");
    }

    [Fact]
    public async Task ALengthCutLeavesAValidPrefix()
    {
        var grammar = JsonGrammar.FromSchema(SchemaCorpus.Get("nested"));
        var result = await Run(Engine, Prompt, Greedy(6) with { Grammar = grammar });
        Assert.Equal(FinishReason.Length, result.Finish);
        Assert.Equal(6, result.Tokens.Length);
        var trie = TokenTrie.For(Engine.Tokenizer);
        var matcher = grammar.CreateMatcher();
        Assert.True(matcher.TryAdvance(result.Tokens.SelectMany(id => trie.TokenBytes(id)!).ToArray()));
        Assert.False(matcher.IsComplete);
    }

    [Fact]
    public async Task PrefixCacheAndStopStringsKeepTheConstrainedOutput()
    {
        var parameters = Constrained("flat_required", Greedy(1));
        var first = await Run(Engine, Prompt, parameters);
        var again = await Run(Engine, Prompt, parameters);
        Assert.True(again.Events[^1].Usage!.CachedPromptTokens > 0, "the second run did not reuse the cached prompt");
        Assert.Equal(first.Tokens, again.Tokens);

        var stopAt = first.Text.IndexOf(',', StringComparison.Ordinal);
        Assert.True(stopAt > 0, first.Text);
        var stopped = await Run(Engine, Prompt, parameters with { Stop = [","] });
        Assert.Equal(FinishReason.Stop, stopped.Finish);
        Assert.Equal(first.Text[..stopAt], stopped.Text);
    }

    [Fact]
    public async Task LogitBiasForcesAndBansTokensWhileLogprobsStayRaw()
    {
        var reference = await Run(Engine, Prompt, Greedy(3) with { TopLogprobs = 5 });
        var firstStep = reference.Events[0].Logprobs!;
        var runnerUp = firstStep.Top[1];

        var banned = await Run(Engine, Prompt, Greedy(3) with { TopLogprobs = 5, LogitBias = new Dictionary<int, double> { [reference.Tokens[0]] = -100 } });
        Assert.Equal(runnerUp.TokenId, banned.Tokens[0]);
        Assert.Equal(firstStep.Top, banned.Events[0].Logprobs!.Top);
        Assert.Equal(runnerUp, banned.Events[0].Logprobs!.Chosen);

        var forced = await Run(Engine, Prompt, Seeded(5, seed: 9) with { TopLogprobs = 5, LogitBias = new Dictionary<int, double> { [firstStep.Top[4].TokenId] = 100 } });
        Assert.All(forced.Tokens, token => Assert.Equal(firstStep.Top[4].TokenId, token));
        Assert.Equal(firstStep.Top[4], forced.Events[0].Logprobs!.Chosen);
        Assert.Equal(firstStep.Top, forced.Events[0].Logprobs!.Top);
    }

    [Fact]
    public void LogitBiasOutsideTheVocabularyIsRefusedBeforeQueueing()
    {
        var parameters = Greedy(3) with { LogitBias = new Dictionary<int, double> { [Engine.Tokenizer.VocabularySize] = 1 } };
        var error = Assert.Throws<ArgumentException>(() => Engine.GenerateAsync(Prompt, parameters));
        Assert.Equal("logit_bias", error.ParamName);
        Assert.Contains(Engine.Tokenizer.VocabularySize.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }
}
