using System.Text.Json.Nodes;
using Llava.Engine.Tokenization;
using static Llava.Engine.Tests.Tokenization.RealVocabularies;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>What is particular to Llama 3's byte-level BPE tokenizer (parity on the corpus: <see cref="RealVocabularyParityTests"/>).</summary>
public class Llama3TokenizerTests
{
    private static LlavaTokenizer Llama3Tokenizer => Tokenizer(Llama3);

    [Fact]
    public void VocabularyIsLlama3s()
    {
        var tokenizer = Llama3Tokenizer;
        Assert.Equal(128_256, tokenizer.VocabularySize);
        Assert.Equal(128_000, tokenizer.BosTokenId);
        Assert.Equal("<|begin_of_text|>", tokenizer.TokenText(128_000));
        Assert.Equal("<|eot_id|>", tokenizer.TokenText(128_009));
        Assert.Null(tokenizer.UnkTokenId);
        Assert.True(tokenizer.IsSpecial(128_009));
        Assert.False(tokenizer.IsSpecial(9906));
    }

    [Fact]
    public void StreamingHoldsBackOnlyAnUnfinishedCharacter()
    {
        // The four bytes of 😀 as four single-byte tokens come out as nothing, nothing, nothing, then the character;
        // a stream that ends inside a character ends with U+FFFD, as the whole-text decode does.
        var tokenizer = Llama3Tokenizer;
        var ids = "😀"u8.ToArray().Select(b => SpelledByteId(tokenizer, b)).ToArray();
        var stream = tokenizer.CreateStreamingDetokenizer();
        Assert.Equal(["", "", "", "😀"], ids.Select(stream.Append).ToList());
        Assert.Equal("", stream.Flush());

        var cut = tokenizer.CreateStreamingDetokenizer();
        Assert.Equal("a", cut.Append(tokenizer.Encode("a", addSpecialTokens: false).Single()) + cut.Append(ids[0]) + cut.Append(ids[1]));
        Assert.Equal("\uFFFD", cut.Flush());
        Assert.Equal("a\uFFFD", tokenizer.Decode([.. tokenizer.Encode("a", addSpecialTokens: false), ids[0], ids[1]]));
    }

    [Fact]
    public void TemplateProcessingPostProcessorAddsItsSpecialTokens()
    {
        // llama3-llava-next-8b-hf's tokenizer.json puts <|begin_of_text|> in front through a TemplateProcessing step.
        var json = JsonNode.Parse(TokenizerJson(Llama3))!;
        json["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [{"Sequence": {"id": "A", "type_id": 0}}],
               "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000], "tokens": ["<|begin_of_text|>"]}}}]}
            """);
        var tokenizer = Load(Llama3, json.ToJsonString());
        const string text = "Hello world";
        var golden = Parity(Llama3).GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("text").GetString() == text);
        Assert.Equal([128_000, .. Ints(golden.GetProperty("ids_without_special"))], tokenizer.Encode(text));
        Assert.True(tokenizer.AddBosToken);
        Assert.False(Llama3Tokenizer.AddBosToken);
    }

    [Fact]
    public void AnUnknownPreTokenizerIsRefused()
    {
        var json = JsonNode.Parse(TokenizerJson(Llama3))!;
        json["pre_tokenizer"] = JsonNode.Parse("""{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}""");
        var error = Assert.Throws<NotSupportedException>(() => Load(Llama3, json.ToJsonString()));
        Assert.Contains("pre-tokenizer", error.Message);
    }

    private static int SpelledByteId(LlavaTokenizer tokenizer, byte value) =>
        Enumerable.Range(0, 128_000).First(id => tokenizer.TokenText(id) == ((char)ByteLevelChar(value)).ToString());

    /// <summary>GPT-2's byte alphabet, written out independently of the code under test.</summary>
    private static int ByteLevelChar(byte b)
    {
        var kept = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 12)).Concat(Enumerable.Range(0xAE, 0x100 - 0xAE)).ToList();
        if (kept.Contains(b))
            return b;
        return 256 + Enumerable.Range(0, 256).Where(x => !kept.Contains(x)).ToList().IndexOf(b);
    }
}
