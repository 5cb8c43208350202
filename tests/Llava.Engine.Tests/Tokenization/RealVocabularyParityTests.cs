using static Llava.Engine.Tests.Tokenization.RealVocabularies;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// Ids and text identical to Hugging Face's tokenizers library on a corpus of 466 strings (whitespace runs, code,
/// CJK, emoji, astral letters, contractions, special tokens, byte fallback) for Llama 3's byte-level BPE and Yi's
/// 64,000-piece SentencePiece BPE, with their real vocabularies.
/// </summary>
public class RealVocabularyParityTests
{
    public static IEnumerable<object[]> Cases() => Indexes("cases");

    public static IEnumerable<object[]> Decodes() => Indexes("decodes");

    [Theory]
    [InlineData(Llama3)]
    [InlineData(Yi)]
    public void CorpusHasAtLeast300Strings(string name) =>
        Assert.True(Parity(name).GetProperty("cases").GetArrayLength() >= 300);

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodesAsHuggingFace(string name, int index)
    {
        var golden = Parity(name).GetProperty("cases")[index];
        var text = golden.GetProperty("text").GetString()!;
        Assert.Equal(Ints(golden.GetProperty("ids")), Tokenizer(name).Encode(text));
        Assert.Equal(Ints(golden.GetProperty("ids_without_special")), Tokenizer(name).Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecodesAndStreamsAsHuggingFace(string name, int index)
    {
        var golden = Parity(name).GetProperty("cases")[index];
        var ids = Ints(golden.GetProperty("ids"));
        Assert.Equal(golden.GetProperty("decoded").GetString(), Tokenizer(name).Decode(ids, skipSpecialTokens: false));
        var skipping = golden.GetProperty("decoded_skipping_special").GetString();
        Assert.Equal(skipping, Tokenizer(name).Decode(ids));
        var stream = Tokenizer(name).CreateStreamingDetokenizer();
        Assert.Equal(skipping, string.Concat(ids.Select(stream.Append)) + stream.Flush());
    }

    [Theory]
    [MemberData(nameof(Decodes))]
    public void DecodesCutAndRandomIdRunsAsHuggingFace(string name, int index)
    {
        var golden = Parity(name).GetProperty("decodes")[index];
        var ids = Ints(golden.GetProperty("ids"));
        Assert.Equal(golden.GetProperty("text").GetString(), Tokenizer(name).Decode(ids, skipSpecialTokens: false));
        if (golden.TryGetProperty("text_skipping_special", out var skipping))
            Assert.Equal(skipping.GetString(), Tokenizer(name).Decode(ids));
    }

    [Fact]
    public void YiVocabularyIsYis()
    {
        var yi = Tokenizer(Yi);
        Assert.Equal(64_000, yi.VocabularySize);
        Assert.Equal("<|startoftext|>", yi.TokenText(yi.BosTokenId));
        Assert.Equal("<|endoftext|>", yi.TokenText(yi.EosTokenId));
        Assert.False(yi.AddBosToken);
    }

    private static IEnumerable<object[]> Indexes(string list) =>
        from name in new[] { Llama3, Yi }
        from index in Enumerable.Range(0, Parity(name).GetProperty(list).GetArrayLength())
        select new object[] { name, index };
}
