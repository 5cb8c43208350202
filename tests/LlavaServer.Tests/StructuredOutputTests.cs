using System.ClientModel;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Tests.Constraints;
using OpenAI;
using OpenAI.Chat;

namespace LlavaServer.Tests;

/// <summary>
/// response_format on the random fixture model, whose unconstrained output is noise: every output parses and validates
/// against its schema (JsonSchema.Net, formats required), over the whole schema corpus, n = 4, sampled with a seed per
/// schema, streamed and not, through the OpenAI SDK and raw HTTP.
/// </summary>
[Collection(nameof(ApiServer))]
public class StructuredOutputTests(ApiServer server)
{
    private const string Prompt = "Read the receipt in this picture into JSON, please.";

    /// <summary>Room for the longest corpus value within the test server's 512-token context.</summary>
    private const int MaxTokens = 400;

    private ChatClient Client => new(TestData.Model, new ApiKeyCredential("unused"),
        new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl + "/v1") });

    public static TheoryData<string> SchemaNames => [.. SchemaCorpus.Names];

    private static JsonObject SchemaChat(string name, int n, long seed, bool stream = false)
    {
        var body = TestData.TextChat(Prompt, MaxTokens, stream);
        body["temperature"] = 1.0;
        body["n"] = n;
        body["seed"] = seed;
        body["response_format"] = new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject { ["name"] = name, ["schema"] = JsonNode.Parse(SchemaCorpus.Get(name).GetRawText()), ["strict"] = true },
        };
        return body;
    }

    /// <summary>
    /// Schemas whose values may grow without bound (arrays without maxItems, any value): a noise model need not close
    /// them within max_tokens, and a choice it cuts ends with "length" (its text a prefix the schema allows).
    /// </summary>
    private static readonly HashSet<string> Unbounded = ["shapes", "recursive_tree", "any_value"];

    private static long SeedOf(string name) => 1000 + SchemaCorpus.Names.ToList().IndexOf(name) * 10;

    [Fact]
    public void TheCorpusHasAtLeastThirtySchemas() => Assert.True(SchemaCorpus.Names.Count() >= 30);

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public async Task FourSampledChoicesValidateAgainstTheSchema(string name)
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(SchemaChat(name, 4, SeedOf(name))));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var choices = JsonDocument.Parse(body).RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal(4, choices.Count);
        foreach (var choice in choices)
        {
            var finish = choice.GetProperty("finish_reason").GetString();
            if (finish == "length" && Unbounded.Contains(name)) continue;
            Assert.Equal("stop", finish);
            SchemaCorpus.AssertValid(SchemaCorpus.Get(name), choice.GetProperty("message").GetProperty("content").GetString()!,
                $"{name}, choice {choice.GetProperty("index")}");
        }
    }

    [Theory]
    [InlineData("nested")]
    [InlineData("tool_arguments")]
    [InlineData("refs")]
    [InlineData("format_date_time")]
    public async Task StreamedChoicesReassembleToTheNonStreamedOnes(string name)
    {
        using var plain = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(SchemaChat(name, 4, 77)));
        var expected = JsonDocument.Parse(await plain.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")
            .EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()!).ToList();

        using var streamed = await Sse.PostStreamAsync(server.Http, "/v1/chat/completions", TestData.Json(SchemaChat(name, 4, 77, stream: true)));
        var chunks = await Sse.ReadChunksAsync(streamed);
        var texts = Enumerable.Range(0, 4).Select(i => string.Concat(chunks
            .SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Where(c => c.GetProperty("index").GetInt32() == i && c.GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c.GetProperty("delta").GetProperty("content").GetString()!))).ToList();
        Assert.Equal(expected, texts);
        foreach (var text in texts)
            SchemaCorpus.AssertValid(SchemaCorpus.Get(name), text, $"{name}, streamed");
    }

    [Fact]
    public async Task JsonObjectGivesAnObject()
    {
        var body = TestData.TextChat(Prompt, MaxTokens);
        body["response_format"] = new JsonObject { ["type"] = "json_object" };
        body["n"] = 4;
        body["temperature"] = 1.0;
        body["seed"] = 5;
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        foreach (var choice in root.GetProperty("choices").EnumerateArray())
        {
            var content = choice.GetProperty("message").GetProperty("content").GetString()!;
            Assert.StartsWith("{", content);
            // Any object may grow without bound; one the noise model closed must parse.
            if (choice.GetProperty("finish_reason").GetString() == "stop")
                Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(content).RootElement.ValueKind);
        }
    }

    [Theory]
    [InlineData("nested", false)]
    [InlineData("nested", true)]
    [InlineData("pydantic_optional", false)]
    [InlineData("pydantic_optional", true)]
    public async Task TheSdksJsonSchemaFormatIsFollowed(string name, bool stream)
    {
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(name, BinaryData.FromString(SchemaCorpus.Get(name).GetRawText()),
                jsonSchemaIsStrict: true),
            MaxOutputTokenCount = MaxTokens,
            Temperature = 1,
            Seed = 11,
        };
        string text;
        if (stream)
        {
            var parts = new List<string>();
            await foreach (var update in Client.CompleteChatStreamingAsync([new UserChatMessage(Prompt)], options))
                parts.AddRange(update.ContentUpdate.Select(p => p.Text));
            text = string.Concat(parts);
        }
        else
        {
            var completion = (await Client.CompleteChatAsync([new UserChatMessage(Prompt)], options)).Value;
            Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
            text = completion.Content.Single().Text;
        }
        SchemaCorpus.AssertValid(SchemaCorpus.Get(name), text, $"{name} through the SDK");
    }

    [Fact]
    public async Task ALengthCutSaysLength()
    {
        var body = SchemaChat("nested", 1, 3);
        body["max_tokens"] = 5;
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));
        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.StartsWith("{", choice.GetProperty("message").GetProperty("content").GetString());
    }
}
