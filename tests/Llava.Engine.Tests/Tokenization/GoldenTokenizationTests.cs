using System.Text.Json;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

public class GoldenTokenizationTests
{
    public static IEnumerable<object[]> CaseNames() => GoldenCaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void PromptEncodesToGoldenIds(string name)
    {
        var golden = GoldenCase(name);
        var ids = Tokenizer.Encode(golden.GetProperty("prompt").GetString()!);
        Assert.Equal(Ints(golden.GetProperty("input_ids_before_expansion")), ids);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GreedyIdsDecodeToGoldenText(string name)
    {
        var greedy = GoldenCase(name).GetProperty("greedy");
        Assert.Equal(greedy.GetProperty("text").GetString(), Tokenizer.Decode(Ints(greedy.GetProperty("ids"))));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GreedyIdsStreamToGoldenText(string name)
    {
        var greedy = GoldenCase(name).GetProperty("greedy");
        var stream = Tokenizer.CreateStreamingDetokenizer();
        var text = string.Concat(Ints(greedy.GetProperty("ids")).Select(stream.Append)) + stream.Flush();
        Assert.Equal(greedy.GetProperty("text").GetString(), text);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ListedTokensHaveGoldenTextAndBytes(string name)
    {
        var golden = GoldenCase(name);
        var entries = golden.GetProperty("last_position_logits").GetProperty("top20").EnumerateArray().ToList();
        foreach (var step in golden.GetProperty("greedy").GetProperty("steps").EnumerateArray())
        {
            entries.Add(step);
            entries.AddRange(step.GetProperty("top5").EnumerateArray());
        }

        Assert.True(entries.Count > 20);
        foreach (var entry in entries)
        {
            var id = entry.GetProperty("id").GetInt32();
            Assert.Equal(entry.GetProperty("token").GetString(), Tokenizer.TokenText(id));
            Assert.Equal(BytesOf(entry.GetProperty("bytes")), Tokenizer.TokenBytes(id));
        }
    }

    [Fact]
    public void ImageTokenIdMatchesGoldenConfig()
    {
        Assert.Equal(Golden.GetProperty("image_token_index").GetInt32(), Tokenizer.ImageTokenId);
    }

    private static byte[] BytesOf(JsonElement array) => [.. array.EnumerateArray().Select(e => (byte)e.GetInt32())];
}
