using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>Ids for hundreds of strings, against the ids the real SentencePiece gives (Data/parity_table.json).</summary>
public class ParityTableTests
{
    [Fact]
    public void TableIsLargeAndCoversTheKnownLibraryDisagreements()
    {
        Assert.True(ParityCases.Count >= 200, $"only {ParityCases.Count} cases");
        Assert.Equal([1, 921, 14633, 14633, 14633, 14633, 14633, 14633, 14633, 14633, 14633, 14633, 14633, 4419, 12353],
            Lookup(new string('x', 50)));
        Assert.Equal([1, 462, 29871, 921], Lookup(new string(' ', 17) + "x"));
        Assert.Equal([1, 263, 462, 1678, 289], Lookup("a" + new string(' ', 20) + "b"));
    }

    [Fact]
    public void EveryStringEncodesToTheSentencePieceIds()
    {
        var mismatches = ParityCases
            .Where(c => !c.Ids.SequenceEqual(Tokenizer.Encode(c.Text)))
            .Select(c => $"{Escape(c.Text)}: want [{string.Join(", ", c.Ids)}] got [{string.Join(", ", Tokenizer.Encode(c.Text))}]")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void WithoutSpecialTokensTheBosIsLeftOut()
    {
        foreach (var parity in ParityCases)
            Assert.Equal(parity.Ids.Skip(1), Tokenizer.Encode(parity.Text, addSpecialTokens: false));
    }

    [Fact]
    public void LiteralSpecialTokensBecomeTheirIds()
    {
        Assert.Equal([1, 32000, 29871, 13], Tokenizer.Encode("<image>\n"));
        Assert.Equal([1, 2], Tokenizer.Encode("</s>"));
        Assert.Equal([1, 1, 1], Tokenizer.Encode("<s><s>"));
        Assert.Equal([1, 0], Tokenizer.Encode("<unk>"));
        Assert.Equal([1, 32001], Tokenizer.Encode("<pad>"));
    }

    [Fact]
    public void DecodingTheIdsGivesBackTextWithoutAddedTokensOrLiteralMetaSymbols()
    {
        string[] verbatim = ["<image>", "</s>", "<s>", "<unk>", "<pad>", "\u2581"];
        var plain = ParityCases.Where(c => !verbatim.Any(v => c.Text.Contains(v, StringComparison.Ordinal))).ToList();
        Assert.True(plain.Count > 150);
        foreach (var parity in plain)
            Assert.Equal(parity.Text, Tokenizer.Decode(parity.Ids));
    }

    private static int[] Lookup(string text) => ParityCases.Single(c => c.Text == text).Ids;

    private static string Escape(string text) =>
        string.Concat(text.Select(ch => char.IsControl(ch) || char.IsSurrogate(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));
}
