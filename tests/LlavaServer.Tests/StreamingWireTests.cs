using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlavaServer.Tests;

/// <summary>The SSE stream on the wire, byte by byte, and what happens when the client goes away.</summary>
[Collection(nameof(ApiServer))]
public class StreamingWireTests(ApiServer server)
{
    [Fact]
    public async Task StreamIsFramedExactlyAsOpenAiFramesIt()
    {
        var body = TestData.Chat(new JsonArray(TestData.UserMessage("Where is the red box?", "exif_rot6_120x80.jpg")), 4, stream: true);
        body["stream_options"] = new JsonObject { ["include_usage"] = true };
        using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());

        var raw = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(raw);
        Assert.Equal(raw, Encoding.UTF8.GetBytes(text));
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n\ndata: [DONE]\n\n", text);
        var frames = text[..^2].Split("\n\n");
        Assert.All(frames, f => Assert.Matches(@"^data: \S", f));

        var chunks = frames[..^1].Select(f => JsonDocument.Parse(f["data: ".Length..]).RootElement).ToList();
        var id = chunks[0].GetProperty("id").GetString();
        Assert.All(chunks, c =>
        {
            Assert.Equal(id, c.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal(TestData.Model, c.GetProperty("model").GetString());
            Assert.True(c.GetProperty("created").GetInt64() > 1_700_000_000);
        });

        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("finish_reason").ValueKind);

        var content = chunks.Skip(1).Take(chunks.Count - 3).ToList();
        Assert.NotEmpty(content);
        Assert.All(content, c =>
        {
            var choice = c.GetProperty("choices").EnumerateArray().Single();
            Assert.False(choice.GetProperty("delta").TryGetProperty("role", out _));
            Assert.NotEqual("", choice.GetProperty("delta").GetProperty("content").GetString());
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("finish_reason").ValueKind);
            Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind);
        });

        var finish = chunks[^2].GetProperty("choices").EnumerateArray().Single();
        Assert.Equal("length", finish.GetProperty("finish_reason").GetString());
        Assert.Empty(finish.GetProperty("delta").EnumerateObject());

        var usage = chunks[^1];
        Assert.Empty(usage.GetProperty("choices").EnumerateArray());
        Assert.Equal(4, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Number, usage.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").ValueKind);
    }

    [Fact]
    public async Task WithoutIncludeUsageChunksCarryNoUsageField()
    {
        var body = TestData.TextChat("Hello", 3, stream: true);
        using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(body));
        var chunks = await Sse.ReadChunksAsync(response);
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.All(chunks, c => Assert.Single(c.GetProperty("choices").EnumerateArray()));
    }

    [Fact]
    public async Task StreamedTextAndLogprobsEqualTheNonStreamedResponse()
    {
        var messages = new JsonArray(TestData.UserMessage("Is this image empty?", "one_1x1.png"));
        var body = TestData.Chat(messages, 8);
        body["logprobs"] = true;
        body["top_logprobs"] = 2;
        using var whole = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var expected = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];

        body["stream"] = true;
        using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(body));
        var choices = (await Sse.ReadChunksAsync(response)).Select(c => c.GetProperty("choices")[0]).ToList();

        var text = string.Concat(choices.Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal(expected.GetProperty("message").GetProperty("content").GetString(), text);
        var streamedLogprobs = choices
            .Where(c => c.GetProperty("logprobs").ValueKind == JsonValueKind.Object)
            .SelectMany(c => c.GetProperty("logprobs").GetProperty("content").EnumerateArray())
            .Select(e => e.GetRawText());
        Assert.Equal(expected.GetProperty("logprobs").GetProperty("content").EnumerateArray().Select(e => e.GetRawText()), streamedLogprobs);
    }

    [Fact]
    public async Task TwoStreamedChoicesAreMultiplexedByIndex()
    {
        var body = TestData.TextChat("Hello", 5, stream: true);
        body["n"] = 2;
        using var response = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(body));
        var choices = (await Sse.ReadChunksAsync(response)).Select(c => c.GetProperty("choices").EnumerateArray().Single()).ToList();

        foreach (var index in new[] { 0, 1 })
        {
            var mine = choices.Where(c => c.GetProperty("index").GetInt32() == index).ToList();
            Assert.Equal("assistant", mine[0].GetProperty("delta").GetProperty("role").GetString());
            Assert.Equal("length", mine[^1].GetProperty("finish_reason").GetString());
            Assert.Single(mine, c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String);
        }
    }
}
