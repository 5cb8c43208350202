using System.Text.Json.Nodes;
using Llava.Engine.Tokenization;
using Llava.TestSupport;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

public sealed class LoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llava-tokenizer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FixtureTokenizerHasTheConfiguredIds()
    {
        Assert.Equal(1, Tokenizer.BosTokenId);
        Assert.Equal(2, Tokenizer.EosTokenId);
        Assert.Equal(0, Tokenizer.UnkTokenId);
        Assert.Equal(32001, Tokenizer.PadTokenId);
        Assert.Equal(32000, Tokenizer.ImageTokenId);
        Assert.Equal(32002, Tokenizer.VocabularySize);
        Assert.True(Tokenizer.AddBosToken);
        Assert.False(Tokenizer.AddEosToken);
    }

    [Fact]
    public void MissingModelFileIsNamed()
    {
        CopyFromFixture("tokenizer_config.json");
        var error = Assert.Throws<FileNotFoundException>(() => LlavaTokenizer.Load(_dir));
        Assert.Contains("tokenizer.model", error.Message);
        Assert.Equal(Path.Combine(_dir, "tokenizer.model"), error.FileName);
    }

    [Fact]
    public void MissingFolderIsReported()
    {
        var missing = Path.Combine(_dir, "absent");
        var error = Assert.Throws<DirectoryNotFoundException>(() => LlavaTokenizer.Load(missing));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void CorruptModelFileIsRejected()
    {
        File.WriteAllBytes(Path.Combine(_dir, "tokenizer.model"), [0x0A, 0x7F, 0x01]);
        Assert.Throws<InvalidDataException>(() => LlavaTokenizer.Load(_dir));
    }

    [Fact]
    public void ModelFileAloneUsesTheSentencePieceSpecialPieces()
    {
        CopyFromFixture("tokenizer.model");
        var tokenizer = LlavaTokenizer.Load(_dir);

        Assert.Equal((1, 2, 0), (tokenizer.BosTokenId, tokenizer.EosTokenId, tokenizer.UnkTokenId));
        Assert.Null(tokenizer.PadTokenId);
        Assert.Null(tokenizer.ImageTokenId);
        Assert.Equal(32000, tokenizer.VocabularySize);
        Assert.Equal(ParityCases.Single(c => c.Text == "a</s>b").Ids, tokenizer.Encode("a</s>b"));
        Assert.True(tokenizer.IsSpecial(2));
        Assert.Equal("</s>", tokenizer.Decode([263, 2], skipSpecialTokens: false)[1..]);
    }

    [Fact]
    public void AddedTokensJsonAndSpecialTokensMapAreRead()
    {
        CopyFromFixture("tokenizer.model");
        File.WriteAllText(Path.Combine(_dir, "added_tokens.json"), """{"<image>": 32000, "<pad>": 32001}""");
        File.WriteAllText(Path.Combine(_dir, "special_tokens_map.json"),
            """{"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": {"content": "<pad>"}}""");
        var tokenizer = LlavaTokenizer.Load(_dir);

        Assert.Equal(32000, tokenizer.ImageTokenId);
        Assert.Equal(32001, tokenizer.PadTokenId);
        Assert.Equal(32002, tokenizer.VocabularySize);
        Assert.True(tokenizer.IsSpecial(32001));
        Assert.False(tokenizer.IsSpecial(32000));
        Assert.Equal([1, 32000, 29871, 13], tokenizer.Encode("<image>\n"));
        Assert.Equal("<image>", tokenizer.Decode([32000]));
    }

    [Theory]
    [InlineData("""{"pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false}}""", "ByteLevel")]
    [InlineData("""{"pre_tokenizer": {"type": "Metaspace", "replacement": "_", "prepend_scheme": "first"}}""", "Metaspace")]
    [InlineData("""{"pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "sometimes"}}""", "sometimes")]
    [InlineData("""{"normalizer": {"type": "NFKC"}}""", "NFKC")]
    [InlineData("""{"normalizer": null, "pre_tokenizer": null}""", "spaces")]
    [InlineData("""{"decoder": null}""", "no decoder")]
    [InlineData("""{"decoder": {"type": "ByteLevel"}}""", "ByteLevel")]
    [InlineData("""{"decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}}""", "Strip")]
    [InlineData("""{"decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 0, "stop": 1}]}}""", "Strip")]
    public void UnsupportedPipelinePartsAreRefused(string replacement, string named)
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditFastTokenizer(fast =>
            {
                foreach (var (key, value) in JsonNode.Parse(replacement)!.AsObject())
                    fast[key] = value?.DeepClone();
            });
        var error = Assert.Throws<NotSupportedException>(folder.Load);
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData("""{"type": "Metaspace", "replacement": "▁", "add_prefix_space": false, "prepend_scheme": "first"}""")]
    [InlineData("""{"type": "Metaspace", "replacement": "▁", "add_prefix_space": false}""")]
    public void ContradictoryMetaspaceSettingsAreRejected(string preTokenizer)
    {
        // The tokenizers library refuses both: an absent prepend_scheme means "always", which add_prefix_space=false contradicts.
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditFastTokenizer(fast => fast["pre_tokenizer"] = JsonNode.Parse(preTokenizer));
        var error = Assert.Throws<InvalidDataException>(folder.Load);
        Assert.Contains("add_prefix_space", error.Message);
    }

    [Fact]
    public void OlderMetaspaceFieldsAreRead()
    {
        // tokenizers before prepend_scheme wrote only add_prefix_space (true: prepend_scheme "always").
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditFastTokenizer(fast =>
            {
                fast["normalizer"] = null;
                fast["pre_tokenizer"] = JsonNode.Parse("""{"type": "Metaspace", "replacement": "▁", "add_prefix_space": true}""");
            });
        var tokenizer = folder.Load();
        Assert.Equal(ParityCases.Single(c => c.Text == "a<image>b").IdsPrependAlways, tokenizer.Encode("a<image>b"));
        Assert.Equal(ParityCases.Single(c => c.Text == " <image> ").IdsPrependAlways, tokenizer.Encode(" <image> "));
    }

    [Fact]
    public void StrippingAddedTokensAreRefused()
    {
        CopyFromFixture("tokenizer.model");
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"),
            """{"added_tokens_decoder": {"32000": {"content": "<image>", "lstrip": true, "special": true}}}""");
        var error = Assert.Throws<NotSupportedException>(() => LlavaTokenizer.Load(_dir));
        Assert.Contains("lstrip", error.Message);
    }

    private void CopyFromFixture(string name) =>
        File.Copy(Path.Combine(RepoPaths.FixtureModel, name), Path.Combine(_dir, name));
}
