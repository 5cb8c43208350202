using System.Net;
using System.Text.Json;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>
/// Greedy output through the HTTP API equals what Hugging Face produced for the golden cases: the same
/// text, the same tokens (compared by their bytes) and logprobs within 1e-3, top-5 alternatives included.
/// </summary>
[Collection(nameof(ApiServer))]
public class GoldenParityTests(ApiServer server)
{
    public static IEnumerable<object[]> Cases => GoldenCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GreedyCompletionMatchesTheReference(string name)
    {
        var golden = GoldenCases.Get(name);
        var greedy = golden.GetProperty("greedy");
        var steps = greedy.GetProperty("steps").EnumerateArray().ToList();
        var body = TestData.Chat(TestData.GoldenMessages(golden), greedy.GetProperty("max_new_tokens").GetInt32());
        body["logprobs"] = true;
        body["top_logprobs"] = 5;

        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var result = JsonDocument.Parse(text).RootElement;
        var choice = result.GetProperty("choices").EnumerateArray().Single();

        Assert.Equal(greedy.GetProperty("text").GetString(), choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(golden.GetProperty("num_input_tokens").GetInt32(), result.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        var content = choice.GetProperty("logprobs").GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(steps.Count, content.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            Assert.Equal(Bytes(steps[i]), Bytes(content[i]));
            Assert.Equal(ExpectedText(steps[i]), content[i].GetProperty("token").GetString());
            Assert.InRange(content[i].GetProperty("logprob").GetDouble() - steps[i].GetProperty("logprob").GetDouble(), -1e-3, 1e-3);

            var expectedTop = steps[i].GetProperty("top5").EnumerateArray().ToList();
            var actualTop = content[i].GetProperty("top_logprobs").EnumerateArray().ToList();
            Assert.Equal(expectedTop.Select(Bytes), actualTop.Select(Bytes));
            for (var k = 0; k < expectedTop.Count; k++)
                Assert.InRange(actualTop[k].GetProperty("logprob").GetDouble() - expectedTop[k].GetProperty("logprob").GetDouble(), -1e-3, 1e-3);
        }
    }

    /// <summary>The token's bytes as text where they are valid UTF-8 on their own, else its piece name.</summary>
    private static string ExpectedText(JsonElement step)
    {
        var bytes = step.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray();
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return step.GetProperty("token").GetString()!;
        }
    }

    private static string Bytes(JsonElement token) =>
        string.Join(",", token.GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32()));
}
