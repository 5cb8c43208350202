using System.Net;
using System.Text.Json.Nodes;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>
/// One request cannot make the server spend memory or CPU without bound: text that cannot fit is refused before it is
/// tokenized, images are checked against the configured limits before they are decoded, and a full queue refuses a
/// request before its images are decoded.
/// </summary>
[Collection(nameof(LimitedServer))]
public sealed class RequestLimitTests(LimitedServer server) : IDisposable
{
    private const string InvalidRequest = "invalid_request_error";
    private readonly HttpClient _client = server.CreateClient(abandonAtOnce: true);

    public void Dispose() => _client.Dispose();

    private static JsonObject ImageChat(byte[] png) => TestData.Chat(new JsonArray(new JsonObject
    {
        ["role"] = "user",
        ["content"] = new JsonArray(
            new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64," + Convert.ToBase64String(png) } },
            new JsonObject { ["type"] = "text", ["text"] = "What is this?" }),
    }), 1);

    private Task<HttpResponseMessage> PostAsync(string path, JsonNode body) => server.Http.PostAsync(path, TestData.Json(body));

    /// <summary>Over the limit by one character: the refusal names characters, so it came before any token was counted.</summary>
    private string TooLongText() => new('x', (int)server.Engine.Prompts.MaxPromptCharacters + 1);

    [Fact]
    public async Task ChatTextThatCannotFitIsRefusedBeforeTokenizing()
    {
        using var response = await PostAsync("/v1/chat/completions", TestData.TextChat(TooLongText(), 1));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "messages");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains($"no text longer than {server.Engine.Prompts.MaxPromptCharacters} characters", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task TokenizeRefusesTextThatCannotFitAndDetokenizeLongerListsThanTheContext()
    {
        using var prompt = await PostAsync("/tokenize", new JsonObject { ["prompt"] = TooLongText() });
        var error = await ErrorEnvelope.AssertAsync(prompt, HttpStatusCode.BadRequest, InvalidRequest, "prompt");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());

        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = TooLongText() });
        using var chat = await PostAsync("/tokenize", new JsonObject { ["messages"] = messages });
        await ErrorEnvelope.AssertAsync(chat, HttpStatusCode.BadRequest, InvalidRequest, "messages");

        var ids = new JsonArray([.. Enumerable.Range(0, server.Engine.Model.MaxModelLength + 1).Select(_ => (JsonNode?)JsonValue.Create(5))]);
        using var detokenize = await PostAsync("/detokenize", new JsonObject { ["tokens"] = ids });
        await ErrorEnvelope.AssertAsync(detokenize, HttpStatusCode.BadRequest, InvalidRequest, "tokens");
    }

    [Fact]
    public async Task ImageOverThePixelLimitIsRefusedFromItsHeader()
    {
        // The header claims 2000x1000 but the data holds one row: only a refusal from the header names the pixels.
        var png = CraftedPng.Build(2000, 1000, 8, 2, new byte[1 + 3 * 2000]);
        using var response = await PostAsync("/v1/chat/completions", ImageChat(png));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "messages");
        Assert.Contains($"2000x1000 = 2000000 pixels, more than the limit of {LimitedServer.MaxImagePixels}", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task TheDecoderEnforcesTheConfiguredByteLimit()
    {
        // Over the 20,000,000 bytes the decoder used to allow whatever --max-image-bytes said, under this server's limit.
        var png = CraftedPng.Solid(32, 32, paddingBytes: 20_500_000);
        Assert.InRange(png.Length, 20_000_001, LimitedServer.MaxImageBytes);
        using var response = await PostAsync("/v1/chat/completions", ImageChat(png));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AFullQueueRefusesAnImageRequestBeforeDecodingIt()
    {
        // A server of its own whose engine is held inside sampling the first request until the test lets go, so the
        // one decode slot and the one waiting place stay taken however slowly this machine runs (a stream of many
        // tokens instead could finish first on a starved machine, and the next request would find room).
        using var hold = new SamplingHold(4243);
        await using var limited = await hold.StartServerAsync(
            ["--model", RepoPaths.FixtureModel, "--max-num-seqs", "1", "--max-waiting-requests", "1"]);
        using var client = limited.CreateClient();
        Task<HttpResponseMessage> Post(JsonNode body) => client.PostAsync("/v1/chat/completions", TestData.Json(body));
        var first = TestData.TextChat("Hello", 2);
        first["seed"] = hold.Seed;
        var running = Post(first);
        await hold.Reached.WaitAsync(TimeSpan.FromMinutes(5));
        var waiting = Post(TestData.TextChat("Hello", 2));
        Assert.True(await Eventually.TrueAsync(() => limited.Engine.WaitingCount == 1), "the second request never queued");

        // Decoding this corrupt image would answer 400; a request refused first for the full queue never decodes it.
        var corrupt = CraftedPng.Solid(32, 32)[..60];
        using (var refused = await Post(ImageChat(corrupt)))
        {
            var error = await ErrorEnvelope.AssertAsync(refused, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        }

        hold.Release();
        (await running).Dispose();
        (await waiting).Dispose();
        using var decoded = await Post(ImageChat(corrupt));
        await ErrorEnvelope.AssertAsync(decoded, HttpStatusCode.BadRequest, InvalidRequest, "messages");
    }
}
