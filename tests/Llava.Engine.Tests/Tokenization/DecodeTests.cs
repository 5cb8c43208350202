using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// Decoding as Hugging Face's Llama decoder chain does it (Replace ▁→space, ByteFallback, Fuse, Strip one
/// leading space). Byte token ids are 3 + byte value in this vocabulary.
/// </summary>
public class DecodeTests
{
    private const int The = 450;          // "▁The"
    private const int Space = 29871;      // "▁"
    private const int ByteSpace = 3 + 0x20;

    private static int Byte(int value) => 3 + value;

    [Fact]
    public void SpecialTokensAreSkippedOrKept()
    {
        int[] ids = [1, The, 2, 32000, 32001, 0];
        Assert.Equal("The", Tokenizer.Decode(ids));
        Assert.Equal("<s> The</s><image><pad><unk>", Tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void OnlyTheVeryFirstLeadingSpaceIsStripped()
    {
        Assert.Equal("The The", Tokenizer.Decode([The, The]));
        Assert.Equal(" The", Tokenizer.Decode([Space, The]));
        Assert.Equal(" The", Tokenizer.Decode([1, Space, The]));
        Assert.Equal("<s>  The", Tokenizer.Decode([1, Space, The], skipSpecialTokens: false));
        Assert.Equal(" ", Tokenizer.Decode([Space, Space]));
        Assert.Equal("The ", Tokenizer.Decode([The, Space]));
    }

    [Fact]
    public void ALeadingSpaceFromAByteTokenIsStrippedToo()
    {
        Assert.Equal(" The", Tokenizer.Decode([ByteSpace, The]));
        Assert.Equal("", Tokenizer.Decode([ByteSpace]));
    }

    [Fact]
    public void ByteTokensFuseIntoCharacters()
    {
        Assert.Equal("你", Tokenizer.Decode([Byte(0xE4), Byte(0xBD), Byte(0xA0)]));
        Assert.Equal("😀", Tokenizer.Decode([Space, Byte(0xF0), Byte(0x9F), Byte(0x98), Byte(0x80)]));
        Assert.Equal("\n\n", Tokenizer.Decode([Byte(0x0A), Byte(0x0A)]));
    }

    [Fact]
    public void AnInvalidByteRunBecomesOneReplacementCharacterPerByte()
    {
        Assert.Equal("\uFFFD\uFFFD", Tokenizer.Decode([Byte(0xE4), Byte(0xBD)]));
        // Hugging Face replaces the whole run, including the valid character inside it.
        Assert.Equal(new string('\uFFFD', 4), Tokenizer.Decode([Byte(0xFF), Byte(0xE4), Byte(0xBD), Byte(0xA0)]));
        Assert.Equal("\uFFFD\uFFFD The\uFFFD", Tokenizer.Decode([Byte(0xE4), Byte(0xBD), The, Byte(0xA0)]));
        Assert.Equal("\uFFFD", Tokenizer.Decode([Byte(0xC0)]));
        Assert.Equal("\uFFFD\uFFFD\uFFFD", Tokenizer.Decode([Byte(0xED), Byte(0xA0), Byte(0x80)])); // a surrogate
    }

    [Fact]
    public void ASkippedSpecialTokenDoesNotInterruptAByteRun()
    {
        int[] ids = [Byte(0xE4), 2, Byte(0xBD), Byte(0xA0)];
        Assert.Equal("你", Tokenizer.Decode(ids));
        Assert.Equal("\uFFFD</s>\uFFFD\uFFFD", Tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void IdsWithoutATokenAreDropped()
    {
        Assert.Equal("The The", Tokenizer.Decode([The, 32002, 32063, -1, The]));
        Assert.Equal("", Tokenizer.Decode([]));
    }

    [Fact]
    public void TokenTextAndBytes()
    {
        Assert.Equal("▁fog", Tokenizer.TokenText(16847));
        Assert.Equal(" fog"u8.ToArray(), Tokenizer.TokenBytes(16847));
        Assert.Equal("<0x0A>", Tokenizer.TokenText(13));
        Assert.Equal([0x0A], Tokenizer.TokenBytes(13));
        Assert.Equal([0xFF], Tokenizer.TokenBytes(Byte(0xFF)));
        Assert.Equal("<image>", Tokenizer.TokenText(32000));
        Assert.Equal("<image>"u8.ToArray(), Tokenizer.TokenBytes(32000));
        Assert.Equal("<s>"u8.ToArray(), Tokenizer.TokenBytes(1));
        Assert.Equal([0x20], Tokenizer.TokenBytes(Space));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.TokenText(32002));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.TokenBytes(-1));
    }

    [Fact]
    public void SpecialTokensAreTheConfiguredOnes()
    {
        int[] special = [0, 1, 2, 32000, 32001];
        Assert.All(special, id => Assert.True(Tokenizer.IsSpecial(id)));
        Assert.All(new[] { 3, 13, The, Space, 31999, 32002, -1 }, id => Assert.False(Tokenizer.IsSpecial(id)));
    }
}
