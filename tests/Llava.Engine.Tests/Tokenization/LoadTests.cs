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

    [Fact]
    public void NonLegacyPrefixSchemeIsRefused()
    {
        CopyFromFixture("tokenizer.model");
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), """{"legacy": false}""");
        var error = Assert.Throws<NotSupportedException>(() => LlavaTokenizer.Load(_dir));
        Assert.Contains("legacy", error.Message);

        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"),
            """{"normalizer": null, "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false}}""");
        Assert.Throws<NotSupportedException>(() => LlavaTokenizer.Load(_dir));
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
        File.Copy(Path.Combine(RepoPaths.DefaultModel, name), Path.Combine(_dir, name));
}
