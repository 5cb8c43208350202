using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>
/// The fixture model in a folder whose <c>chat_template.json</c> is llava-hf/llava-1.5-7b-hf's, which loops over
/// content parts: string content must reach it as a text part, not vanish.
/// </summary>
public sealed class Llava15TemplateServer : ServerFixture, IDisposable
{
    public static readonly string EngineTestData = Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data");

    private readonly string _folder = CreateModelFolder();

    protected override IEnumerable<string> ModelArguments => ["--model", _folder, "--served-model-name", TestData.Model];

    protected override IEnumerable<string> Arguments => ["--max-model-len", "512", "--max-num-seqs", "2"];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string CreateModelFolder()
    {
        var folder = Directory.CreateTempSubdirectory("llava15-template-model-").FullName;
        foreach (var file in Directory.GetFiles(RepoPaths.FixtureModel).Where(f => Path.GetFileName(f) != "chat_template.json"))
            File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(file)), file);
        File.Copy(Path.Combine(EngineTestData, "llava-1.5-7b-hf", "chat_template.json"), Path.Combine(folder, "chat_template.json"));
        return folder;
    }
}

/// <summary>
/// An operator's template given inline with <c>--chat-template</c>: it reads content as a string and, like many Hub
/// templates, refuses conversations whose roles do not alternate through <c>raise_exception</c>.
/// </summary>
public sealed class StrictRolesServer : ServerFixture
{
    public const string Refusal = "Conversation roles must alternate user/assistant/user/assistant/...";

    public const string Template =
        "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        + "{{ raise_exception('" + Refusal + "') }}{% endif %}"
        + @"{{ message['role'] + ': ' + message['content'] + '\n' }}{% endfor %}"
        + "{% if add_generation_prompt %}{{ 'assistant:' }}{% endif %}";

    protected override IEnumerable<string> Arguments => ["--max-model-len", "512", "--max-num-seqs", "2", "--chat-template", Template];
}

[CollectionDefinition(nameof(Llava15TemplateServer))]
public sealed class Llava15TemplateServerCollection : ICollectionFixture<Llava15TemplateServer>;

[CollectionDefinition(nameof(StrictRolesServer))]
public sealed class StrictRolesServerCollection : ICollectionFixture<StrictRolesServer>;

internal static class ChatTemplateRequests
{
    public static async Task<JsonElement> PostOkAsync(HttpClient http, string path, JsonNode body)
    {
        using var response = await http.PostAsync(path, TestData.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task<int> PromptTokensAsync(HttpClient http, JsonArray messages) =>
        (await PostOkAsync(http, "/v1/chat/completions", TestData.Chat(messages, 1)))
            .GetProperty("usage").GetProperty("prompt_tokens").GetInt32();

    public static async Task<int> TokenCountAsync(HttpClient http, string prompt) =>
        (await PostOkAsync(http, "/tokenize", new JsonObject { ["model"] = TestData.Model, ["prompt"] = prompt }))
            .GetProperty("count").GetInt32();

    public static async Task<JsonElement> TemplateStatusAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/v1/status");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("chat_template").Clone();
    }
}

[Collection(nameof(Llava15TemplateServer))]
public sealed class Llava15TemplateServerTests(Llava15TemplateServer server)
{
    [Fact]
    public async Task StringSystemPromptIsPartOfThePromptHuggingFaceRenders()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Llava15TemplateServer.EngineTestData, "content_format_cases.json")));
        var golden = doc.RootElement.GetProperty("llava15").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "all_strings_multi_turn");
        var messages = JsonNode.Parse(golden.GetProperty("messages").GetRawText())!.AsArray();
        var withoutSystem = JsonNode.Parse(golden.GetProperty("messages").GetRawText())!.AsArray();
        withoutSystem.RemoveAt(0);

        var promptTokens = await ChatTemplateRequests.PromptTokensAsync(server.Http, messages);

        Assert.Equal(await ChatTemplateRequests.TokenCountAsync(server.Http, golden.GetProperty("prompt").GetString()!), promptTokens);
        Assert.True(promptTokens > await ChatTemplateRequests.PromptTokensAsync(server.Http, withoutSystem) + 5);
    }

    [Fact]
    public async Task StatusReportsTheCheckpointsTemplateAndTheDetectedPartsFormat()
    {
        var template = await ChatTemplateRequests.TemplateStatusAsync(server.Http);

        Assert.Equal("chat_template_json", template.GetProperty("origin").GetString());
        Assert.Equal("openai", template.GetProperty("content_format").GetString());
        Assert.Equal("openai", template.GetProperty("detected_content_format").GetString());
    }
}

[Collection(nameof(StrictRolesServer))]
public sealed class StrictRolesServerTests(StrictRolesServer server)
{
    private static JsonArray TwoUserTurns() => new(
        new JsonObject { ["role"] = "user", ["content"] = "Hello" },
        new JsonObject { ["role"] = "user", ["content"] = "Hello again" });

    [Fact]
    public async Task TemplateRaisingAnExceptionIs400WithItsMessage()
    {
        using var chat = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(TestData.Chat(TwoUserTurns(), 1)));
        var error = await ErrorEnvelope.AssertAsync(chat, HttpStatusCode.BadRequest, "invalid_request_error", "messages");
        Assert.Equal(StrictRolesServer.Refusal, error.GetProperty("message").GetString());

        using var tokenize = await server.Http.PostAsync("/tokenize",
            TestData.Json(new JsonObject { ["model"] = TestData.Model, ["messages"] = TwoUserTurns() }));
        error = await ErrorEnvelope.AssertAsync(tokenize, HttpStatusCode.BadRequest, "invalid_request_error", "messages");
        Assert.Equal(StrictRolesServer.Refusal, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task StringTemplateGetsImagePartsAsPlaceholderLinesBeforeTheText()
    {
        var promptTokens = await ChatTemplateRequests.PromptTokensAsync(server.Http,
            new JsonArray(TestData.UserMessage("What is shown?", "gradient_84x84.png")));

        var text = await ChatTemplateRequests.TokenCountAsync(server.Http, "user: <image>\nWhat is shown?\nassistant:");
        Assert.Equal(text - 1 + server.Engine.Model.ImageSeqLength, promptTokens);
    }

    [Fact]
    public async Task StatusReportsTheOverrideAndTheDetectedStringFormat()
    {
        var template = await ChatTemplateRequests.TemplateStatusAsync(server.Http);

        Assert.Equal("override", template.GetProperty("origin").GetString());
        Assert.Equal("string", template.GetProperty("content_format").GetString());
    }
}
