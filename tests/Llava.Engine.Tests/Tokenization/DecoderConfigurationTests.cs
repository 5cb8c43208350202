using System.Text.Json.Nodes;
using Llava.Engine.Tokenization;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// Decoding follows the decoder that tokenizer.json (or transformers' conversion) specifies, and streaming
/// stays equal to whole decoding under every one of them. Byte token ids are 3 + byte value.
/// </summary>
public class DecoderConfigurationTests
{
    private const int The = 450;          // "▁The"
    private const int DoubleSpace = 259;  // "▁▁"
    private const int Newline = 13;       // "<0x0A>"

    [Fact]
    public void NonLegacyKeepsTheLlamaDecoder()
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditConfig(config => config["legacy"] = false)
            .UseMetaspacePreTokenizer("first");
        var tokenizer = folder.Load();

        var ids = tokenizer.Encode("USER: <image>\nWhat is this? ASSISTANT:");
        Assert.Equal("USER: \nWhat is this? ASSISTANT:", tokenizer.Decode(ids));
        Assert.Equal("<s> USER: <image>\nWhat is this? ASSISTANT:", tokenizer.Decode(ids, skipSpecialTokens: false));

        var plain = ParityCases.Select(c => c.Text).Where(IsPlain).Where(t => t.Length > 0 && t[0] != ' ').ToList();
        Assert.True(plain.Count > 150);
        Assert.All(plain, text => Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text))));
    }

    [Fact]
    public void WithoutAPrefixNoSpaceIsStripped()
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .EditConfig(config => config["add_prefix_space"] = false);
        var tokenizer = folder.Load();

        Assert.Equal(" The", tokenizer.Decode([The]));
        Assert.Equal("   The", tokenizer.Decode([DoubleSpace, The]));
        // Nothing is added on the way in and nothing removed on the way out: every plain text round-trips.
        var plain = ParityCases.Select(c => c.Text).Where(IsPlain).ToList();
        Assert.All(plain, text => Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text))));
        AssertStreamingMatchesDecode(tokenizer);
    }

    [Fact]
    public void StripRemovesUpToItsCountOfLeadingSpaces()
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .UseDecoder(LlamaDecoder(strip: new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 2, ["stop"] = 0 }));
        var tokenizer = folder.Load();

        Assert.Equal(" The", tokenizer.Decode([DoubleSpace, The]));
        Assert.Equal("The", tokenizer.Decode([3 + 0x20, The]));
        Assert.Equal("The The", tokenizer.Decode([The, The]));
        Assert.Equal("", tokenizer.Decode([DoubleSpace]));

        var stream = tokenizer.CreateStreamingDetokenizer();
        Assert.Equal(["", "", "The", " The"], new[] { 3 + 0x20, 1, The, The }.Select(stream.Append));
        AssertStreamingMatchesDecode(tokenizer);
    }

    [Fact]
    public void AMetaspaceDecoderDropsEveryWhitespaceOfTheFirstToken()
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles)
            .UseDecoder(new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(Metaspace("first"), new JsonObject { ["type"] = "ByteFallback" }, new JsonObject { ["type"] = "Fuse" }),
            });
        var tokenizer = folder.Load();

        Assert.Equal(" The", tokenizer.Decode([DoubleSpace, The]));
        Assert.Equal("The The", tokenizer.Decode([The, The]));
        // The first token is the first one not skipped, and a byte token has no ▁ to drop.
        Assert.Equal("The", tokenizer.Decode([1, The]));
        Assert.Equal("<s> The", tokenizer.Decode([1, The], skipSpecialTokens: false));
        Assert.Equal("你 The", tokenizer.Decode([3 + 0xE4, 3 + 0xBD, 3 + 0xA0, The]));
        Assert.Equal("  The", tokenizer.Decode([3 + 0x20, The]));
        AssertStreamingMatchesDecode(tokenizer);
    }

    [Fact]
    public void WithoutByteFallbackByteTokensStayLiteral()
    {
        using var folder = new TokenizerVariantFolder(TokenizerVariantFolder.AllFiles).UseDecoder(Metaspace("never"));
        var tokenizer = folder.Load();

        Assert.Equal(" The<0x0A><0xE4>", tokenizer.Decode([The, Newline, 3 + 0xE4]));
        Assert.Equal([0x0A], tokenizer.TokenBytes(Newline));
        AssertStreamingMatchesDecode(tokenizer);
    }

    private static JsonObject Metaspace(string prependScheme) => new()
    {
        ["type"] = "Metaspace",
        ["replacement"] = "\u2581",
        ["prepend_scheme"] = prependScheme,
        ["split"] = false,
    };

    private static JsonObject LlamaDecoder(JsonObject strip) => new()
    {
        ["type"] = "Sequence",
        ["decoders"] = new JsonArray(
            new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "\u2581" }, ["content"] = " " },
            new JsonObject { ["type"] = "ByteFallback" },
            new JsonObject { ["type"] = "Fuse" },
            strip),
    };

    // Text the decoder can give back: no added-token content and no literal ▁ (both decode differently).
    private static bool IsPlain(string text) =>
        !new[] { "<image>", "</s>", "<s>", "<unk>", "<pad>", "\u2581" }.Any(v => text.Contains(v, StringComparison.Ordinal));

    private static void AssertStreamingMatchesDecode(LlavaTokenizer tokenizer)
    {
        var random = new Random(4321);
        int[] interesting = [0, 1, 2, 32000, 29871, DoubleSpace, 3 + 0x20, Newline, The, 32002, -3];
        for (var sequence = 0; sequence < 1000; sequence++)
        {
            var ids = Enumerable.Range(0, random.Next(0, 25)).Select(_ => random.Next(3) switch
            {
                0 => random.Next(3, 259),
                1 => interesting[random.Next(interesting.Length)],
                _ => random.Next(0, 32064),
            }).ToArray();
            foreach (var skip in new[] { true, false })
            {
                var stream = tokenizer.CreateStreamingDetokenizer(skip);
                var text = string.Concat(ids.Select(stream.Append)) + stream.Flush();
                Assert.Equal(tokenizer.Decode(ids, skip), text);
            }
        }
    }
}
