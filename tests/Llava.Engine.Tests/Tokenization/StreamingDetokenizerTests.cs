using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>Streamed text must equal the whole decode, for encoded text and for arbitrary id sequences.</summary>
public class StreamingDetokenizerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StreamingEncodedTextEqualsDecode(bool skipSpecialTokens)
    {
        foreach (var parity in ParityCases)
            AssertStreamMatchesDecode(parity.Ids, skipSpecialTokens);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StreamingRandomIdsEqualsDecode(bool skipSpecialTokens)
    {
        var random = new Random(1234);
        int[] interesting = [0, 1, 2, 32000, 32001, 29871, 259, 35, 13, 450, 32002, 32063, -7];
        for (var sequence = 0; sequence < 2000; sequence++)
        {
            var ids = new int[random.Next(0, 30)];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = random.Next(4) switch
                {
                    0 => random.Next(3, 259),                                 // byte tokens
                    1 => interesting[random.Next(interesting.Length)],
                    2 => random.Next(0xE0 + 3, 0xF5 + 3),                     // multi-byte lead bytes
                    _ => random.Next(0, 32064),
                };
            }
            AssertStreamMatchesDecode(ids, skipSpecialTokens);
        }
    }

    [Fact]
    public void AMultiByteCharacterIsHeldUntilItsRunEnds()
    {
        var stream = Tokenizer.CreateStreamingDetokenizer();
        var ids = Tokenizer.Encode("😀 ok");
        Assert.Equal([1, 29871, 243, 162, 155, 131, 3431], ids);
        var pieces = ids.Select(stream.Append).ToList();
        Assert.Equal(["", "", "", "", "", "", "😀 ok"], pieces);
        Assert.Equal("", stream.Flush());
    }

    [Fact]
    public void FlushDecodesAPendingRun()
    {
        var stream = Tokenizer.CreateStreamingDetokenizer();
        Assert.Equal("", stream.Append(3 + 0xE4));
        Assert.Equal("", stream.Append(3 + 0xBD));
        Assert.Equal("\uFFFD\uFFFD", stream.Flush());
    }

    [Fact]
    public void TheFirstEmittedSpaceIsStrippedOnce()
    {
        var stream = Tokenizer.CreateStreamingDetokenizer();
        Assert.Equal("", stream.Append(1));
        Assert.Equal("", stream.Append(29871));
        Assert.Equal(" The", stream.Append(450));
        Assert.Equal(" The", stream.Append(450));
    }

    private static void AssertStreamMatchesDecode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        var stream = Tokenizer.CreateStreamingDetokenizer(skipSpecialTokens);
        var chunks = ids.Select(stream.Append).ToList();
        chunks.Add(stream.Flush());
        Assert.All(chunks, chunk => Assert.False(HasUnpairedSurrogate(chunk), "a chunk ends inside a character"));
        Assert.Equal(Tokenizer.Decode(ids, skipSpecialTokens), string.Concat(chunks));
    }

    private static bool HasUnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return true;
        }
        return false;
    }
}
