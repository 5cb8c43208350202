using System.Text;
using System.Text.Json;
using Llava.Engine.Constraints;
using Llava.Engine.Tests.Tokenization;

namespace Llava.Engine.Tests.Constraints;

/// <summary>
/// The trie's masks are exactly the tokens whose bytes the grammar can read, however they are computed (the cached
/// open-string masks and the walk alike), and byte-fallback pieces stay legal in the middle of a character.
/// </summary>
public class TokenTrieTests
{
    private static TokenTrie Trie => TokenTrie.For(TokenizerFixtures.Tokenizer);

    [Fact]
    public void OneTriePerTokenizer() => Assert.Same(TokenTrie.For(TokenizerFixtures.Tokenizer), TokenTrie.For(TokenizerFixtures.Tokenizer));

    [Theory]
    [InlineData("string_lengths", 1)]
    [InlineData("pattern_simple", 2)]
    [InlineData("escaped_keys", 3)]
    [InlineData("nested", 4)]
    public void MasksAreExactlyTheTokensTheGrammarReads(string name, int seed)
    {
        var matcher = JsonGrammar.FromSchema(SchemaCorpus.Get(name)).CreateMatcher();
        var random = new Random(seed);
        var allowed = new bool[Trie.VocabularySize];
        for (var step = 0; step < 12; step++)
        {
            Trie.FillAllowed(matcher, allowed);
            var expected = Enumerable.Range(0, Trie.VocabularySize).Where(id => Reads(matcher, id)).ToList();
            var actual = Enumerable.Range(0, allowed.Length).Where(id => allowed[id]).ToList();
            Assert.Equal(expected, actual);
            if (actual.Count == 0)
                return;
            // Single characters keep the walk inside strings for several steps, where the cached masks apply.
            var single = actual.Where(id => Trie.TokenBytes(id)!.Length == 1).ToList();
            var pool = single.Count > 0 && random.NextDouble() < 0.7 ? single : actual;
            Assert.True(matcher.TryAdvance(Trie.TokenBytes(pool[random.Next(pool.Count)])));
        }
    }

    [Fact]
    public void ByteFallbackPiecesSpellACharacterAcrossTokens()
    {
        var matcher = JsonGrammar.FromSchema(JsonDocument.Parse("""{"type": "string", "maxLength": 3}""").RootElement).CreateMatcher();
        Assert.True(matcher.TryAdvance("\""u8));
        var allowed = new bool[Trie.VocabularySize];
        var quote = SingleByteToken((byte)'"', byteFallback: false);

        // "中" is E4 B8 AD: each continuation byte is allowed only after its lead, and the quote only between characters.
        foreach (var b in new byte[] { 0xE4, 0xB8, 0xAD })
        {
            Trie.FillAllowed(matcher, allowed);
            Assert.True(allowed[SingleByteToken(b, byteFallback: true)], $"<0x{b:X2}> is refused");
            Assert.Equal(b == 0xE4, allowed[quote]);
            Assert.Equal(b != 0xE4, allowed[SingleByteToken(0xA9, byteFallback: true)]);
            Assert.True(matcher.TryAdvance([b]));
        }
        Trie.FillAllowed(matcher, allowed);
        Assert.True(allowed[quote]);
        Assert.False(allowed[SingleByteToken(0xB8, byteFallback: true)], "a continuation byte is allowed at a character boundary");
    }

    private static bool Reads(GrammarMatcher matcher, int id)
    {
        if (Trie.TokenBytes(id) is not { } bytes)
            return false;
        var stacks = matcher.Stacks;
        foreach (var b in bytes)
        {
            stacks = GrammarMatcher.Advance(stacks, b);
            if (stacks.Count == 0)
                return false;
        }
        return true;
    }

    /// <summary>The fixture's token for one byte: its <c>&lt;0xNN&gt;</c> piece, or the plain piece spelling it.</summary>
    private static int SingleByteToken(byte b, bool byteFallback)
    {
        var tokenizer = TokenizerFixtures.Tokenizer;
        var piece = byteFallback ? $"<0x{b:X2}>" : Encoding.ASCII.GetString([b]);
        return Enumerable.Range(0, tokenizer.VocabularySize).Single(id => tokenizer.HasToken(id) && tokenizer.TokenText(id) == piece);
    }
}
