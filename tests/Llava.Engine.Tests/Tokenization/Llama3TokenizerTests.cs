using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Tokenization;
using Llava.TestSupport;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// Llama 3's byte-level BPE tokenizer (its real 128,256-id vocabulary) against Hugging Face's tokenizers library:
/// tests/fixtures/tokenizers/make_parity.py wrote the expected ids and texts.
/// </summary>
public class Llama3TokenizerTests
{
    private static readonly string FixtureDir = Path.Combine(RepoPaths.Root, "tests", "fixtures", "tokenizers", "llama3");
    private static readonly Lazy<string> TokenizerJson = new(() =>
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(FixtureDir, "tokenizer.json.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    });
    private static readonly Lazy<LlavaTokenizer> Llama3 = new(() => LoadVariant(TokenizerJson.Value));
    private static readonly Lazy<JsonElement> Parity = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir, "parity.json")));
        return document.RootElement.Clone();
    });

    public static IEnumerable<object[]> CaseIndexes() =>
        Enumerable.Range(0, Parity.Value.GetProperty("cases").GetArrayLength()).Select(i => new object[] { i });

    public static IEnumerable<object[]> DecodeIndexes() =>
        Enumerable.Range(0, Parity.Value.GetProperty("decodes").GetArrayLength()).Select(i => new object[] { i });

    [Fact]
    public void CorpusIsLargeAndTheVocabularyIsLlama3s()
    {
        Assert.True(Parity.Value.GetProperty("cases").GetArrayLength() >= 300);
        var tokenizer = Llama3.Value;
        Assert.Equal(128_256, tokenizer.VocabularySize);
        Assert.Equal(128_000, tokenizer.BosTokenId);
        Assert.Equal("<|begin_of_text|>", tokenizer.TokenText(128_000));
        Assert.Equal("<|eot_id|>", tokenizer.TokenText(128_009));
        Assert.Null(tokenizer.UnkTokenId);
        Assert.True(tokenizer.IsSpecial(128_009));
        Assert.False(tokenizer.IsSpecial(9906));
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void EncodesAsHuggingFace(int index)
    {
        var golden = Parity.Value.GetProperty("cases")[index];
        var text = golden.GetProperty("text").GetString()!;
        Assert.Equal(Ints(golden.GetProperty("ids")), Llama3.Value.Encode(text));
        Assert.Equal(Ints(golden.GetProperty("ids_without_special")), Llama3.Value.Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void DecodesAndStreamsAsHuggingFace(int index)
    {
        var golden = Parity.Value.GetProperty("cases")[index];
        var ids = Ints(golden.GetProperty("ids"));
        Assert.Equal(golden.GetProperty("decoded").GetString(), Llama3.Value.Decode(ids, skipSpecialTokens: false));
        var skipping = golden.GetProperty("decoded_skipping_special").GetString();
        Assert.Equal(skipping, Llama3.Value.Decode(ids));
        var stream = Llama3.Value.CreateStreamingDetokenizer();
        Assert.Equal(skipping, string.Concat(ids.Select(stream.Append)) + stream.Flush());
    }

    [Theory]
    [MemberData(nameof(DecodeIndexes))]
    public void DecodesCutAndRandomIdRunsAsHuggingFace(int index)
    {
        var golden = Parity.Value.GetProperty("decodes")[index];
        var ids = Ints(golden.GetProperty("ids"));
        Assert.Equal(golden.GetProperty("text").GetString(), Llama3.Value.Decode(ids, skipSpecialTokens: false));
        if (golden.TryGetProperty("text_skipping_special", out var skipping))
            Assert.Equal(skipping.GetString(), Llama3.Value.Decode(ids));
    }

    [Fact]
    public void StreamingHoldsBackOnlyAnUnfinishedCharacter()
    {
        // The four bytes of 😀 as four single-byte tokens come out as nothing, nothing, nothing, then the character;
        // a stream that ends inside a character ends with U+FFFD, as the whole-text decode does.
        var tokenizer = Llama3.Value;
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
        var json = JsonNode.Parse(TokenizerJson.Value)!;
        json["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [{"Sequence": {"id": "A", "type_id": 0}}],
               "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000], "tokens": ["<|begin_of_text|>"]}}}]}
            """);
        var tokenizer = LoadVariant(json.ToJsonString());
        var golden = Parity.Value.GetProperty("cases")[11];
        var text = golden.GetProperty("text").GetString()!;
        Assert.Equal([128_000, .. Ints(golden.GetProperty("ids_without_special"))], tokenizer.Encode(text));
        Assert.True(tokenizer.AddBosToken);
        Assert.False(Llama3.Value.AddBosToken);
    }

    [Fact]
    public void AnUnknownPreTokenizerIsRefused()
    {
        var json = JsonNode.Parse(TokenizerJson.Value)!;
        json["pre_tokenizer"] = JsonNode.Parse("""{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}""");
        var error = Assert.Throws<NotSupportedException>(() => LoadVariant(json.ToJsonString()));
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

    private static LlavaTokenizer LoadVariant(string tokenizerJson)
    {
        var dir = Directory.CreateTempSubdirectory("llama3-tokenizer-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), tokenizerJson);
            File.Copy(Path.Combine(FixtureDir, "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
            return LlavaTokenizer.Load(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
