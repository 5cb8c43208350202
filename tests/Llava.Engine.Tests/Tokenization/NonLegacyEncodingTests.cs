using Llava.Engine.Tokenization;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// Non-legacy Llama tokenization (the ▁ prefix only at the start of the input) and the other Metaspace schemes,
/// in every way a checkpoint can select them. Expected ids come from SentencePiece with add_dummy_prefix off
/// (Data/make_parity_table.py) and, where marked, from transformers' own Llama docs and tests.
/// </summary>
public class NonLegacyEncodingTests
{
    private const string LlavaPrompt = "USER: <image>\nWhat is this? ASSISTANT:";

    // "▁US ER : ▁" <image> then "\nWhat is this? ASSISTANT:"; legacy puts a "▁" (29871) before the "\n" (13).
    private static readonly int[] NonLegacyPromptIds =
        [1, 3148, 1001, 29901, 29871, 32000, 13, 5618, 338, 445, 29973, 319, 1799, 9047, 13566, 29901];

    private static readonly int[] LegacyPromptIds =
        [1, 3148, 1001, 29901, 29871, 32000, 29871, 13, 5618, 338, 445, 29973, 319, 1799, 9047, 13566, 29901];

    [Fact]
    public void TheFixtureIsLegacy()
    {
        Assert.Equal(LegacyPromptIds, Tokenizer.Encode(LlavaPrompt));
    }

    [Fact]
    public void LegacyFalseWithoutTokenizerJsonPrefixesOnlyTheStartOfTheInput()
    {
        using var folder = new TokenizerVariantFolder("tokenizer.model", "tokenizer_config.json", "special_tokens_map.json")
            .EditConfig(config => config["legacy"] = false);
        var tokenizer = folder.Load();

        Assert.Equal(NonLegacyPromptIds, tokenizer.Encode(LlavaPrompt));
        AssertParity(tokenizer, "first");
    }

    [Fact]
    public void NonLegacyTokenizerJsonPrefixesOnlyTheStartOfTheInput()
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditConfig(config => config["legacy"] = false)
            .UseMetaspacePreTokenizer("first");
        var tokenizer = folder.Load();

        Assert.Equal(NonLegacyPromptIds, tokenizer.Encode(LlavaPrompt));
        AssertParity(tokenizer, "first");
    }

    [Fact]
    public void TokenizerJsonDecidesOverTheLegacyFlag()
    {
        // transformers runs tokenizer.json as written; legacy only matters when the pipeline is rebuilt.
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditConfig(config => config["legacy"] = false);
        Assert.Equal(LegacyPromptIds, folder.Load().Encode(LlavaPrompt));

        using var metaspace = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles).UseMetaspacePreTokenizer("first");
        Assert.Equal(NonLegacyPromptIds, metaspace.Load().Encode(LlavaPrompt));
    }

    [Fact]
    public void AConfiguredAddPrefixSpaceRebuildsThePipelineFromTheFlags()
    {
        // LlamaTokenizerFast converts from the slow tokenizer when add_prefix_space is given, ignoring tokenizer.json.
        using var nonLegacy = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditConfig(config =>
            {
                config["legacy"] = false;
                config["add_prefix_space"] = true;
            });
        Assert.Equal(NonLegacyPromptIds, nonLegacy.Load().Encode(LlavaPrompt));

        using var legacy = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .UseMetaspacePreTokenizer("first")
            .EditConfig(config => config["add_prefix_space"] = true);
        Assert.Equal(LegacyPromptIds, legacy.Load().Encode(LlavaPrompt));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddPrefixSpaceFalseNeverPrefixes(bool legacy)
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditConfig(config =>
            {
                config["legacy"] = legacy;
                config["add_prefix_space"] = false;
            });
        var tokenizer = folder.Load();

        Assert.Equal([1, 11889, 29901, 29871, 32000, 13, 5618], tokenizer.Encode(LlavaPrompt).Take(7));
        AssertParity(tokenizer, "never");
    }

    [Theory]
    [InlineData("first")]
    [InlineData("always")]
    [InlineData("never")]
    public void EveryParityStringEncodesToTheMetaspaceIds(string prependScheme)
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles).UseMetaspacePreTokenizer(prependScheme);
        AssertParity(folder.Load(), prependScheme);
    }

    [Fact]
    public void EdgeCasesAroundAddedTokens()
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles).UseMetaspacePreTokenizer("first");
        var tokenizer = folder.Load();

        // Quoted in transformers' LlamaTokenizer docstring: legacy gives "▁." (869), non-legacy "." (29889).
        Assert.Equal([1, 15043, 29871, 1, 29889], tokenizer.Encode("Hello <s>."));
        Assert.Equal([1, 15043, 29871, 1, 869], Tokenizer.Encode("Hello <s>."));
        // From transformers' Llama integration tests (LlamaTokenizerFast, legacy=False, add_special_tokens=False).
        Assert.Equal([29871, 1, 15043, 1, 920], tokenizer.Encode(" <s> Hello<s> how", addSpecialTokens: false));
        Assert.Equal([1, 15043, 1, 3525], tokenizer.Encode("<s> Hello<s>how", addSpecialTokens: false));

        // Input that opens with an added token has no segment at offset 0, so nothing gets a ▁.
        Assert.Equal([1, 32000, 13, 5618, 338, 445, 29973], tokenizer.Encode("<image>\nWhat is this?"));
        Assert.Equal([1, 1, 10994], tokenizer.Encode("<s>Hello"));
        // A segment that starts with a space (or a literal ▁) gets no second ▁: "▁" not legacy's "▁▁" (259).
        Assert.Equal([1, 29871, 32000], tokenizer.Encode(" <image>"));
        Assert.Equal([1, 259, 32000], Tokenizer.Encode(" <image>"));
        Assert.Equal([1, 15043], tokenizer.Encode("\u2581Hello"));
        Assert.Equal([1, 15043, 3186], tokenizer.Encode("Hello world"));
        Assert.Equal([1], tokenizer.Encode(""));
    }

    [Fact]
    public void MetaspaceSplitEncodesEveryWordOnItsOwn()
    {
        using var split = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles).UseMetaspacePreTokenizer("always", split: true);
        using var whole = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles).UseMetaspacePreTokenizer("always", split: false);

        // "▁Hey" "▁" "▁" "▁friend" apart, where the whole segment merges "▁▁" (259).
        Assert.Equal([1, 18637, 29871, 29871, 5121], split.Load().Encode("Hey   friend"));
        Assert.Equal([1, 18637, 259, 5121], whole.Load().Encode("Hey   friend"));
        Assert.Equal([1, 921, .. Enumerable.Repeat(29871, 16), 343], split.Load().Encode("x" + new string(' ', 17) + "y"));
        Assert.Equal([1, 921, 462, 343], whole.Load().Encode("x" + new string(' ', 17) + "y"));
    }

    private static void AssertParity(LlavaTokenizer tokenizer, string prependScheme)
    {
        var mismatches = ParityCases
            .Where(c => !c.IdsFor(prependScheme).SequenceEqual(tokenizer.Encode(c.Text)))
            .Select(c => $"{c.Text}: want [{string.Join(", ", c.IdsFor(prependScheme))}] got [{string.Join(", ", tokenizer.Encode(c.Text))}]")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}
