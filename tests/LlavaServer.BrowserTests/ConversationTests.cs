using Llava.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>Asking about an image, watching the answer stream in, and the conversation's life in the browser.</summary>
[Collection(nameof(OpenServer))]
public sealed class ConversationTests(OpenServer server) : IDisposable
{
    private const string Photo = "photo_200x150_q90.jpg";

    private readonly HttpClient _http = server.CreateClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task AnImageQuestionStreamsTheAnswerAndShowsItsMetrics()
    {
        const int maxTokens = 600;
        const string question = "What is in this picture?";
        var playground = await server.OpenAsync(height: 860);
        await playground.UseGreedyAsync(maxTokens, ignoreEos: true);

        await playground.AttachAsync(RepoPaths.Image(Photo));
        await Expect(playground.Page.Locator("#attachments .attachment-name")).ToHaveTextAsync(Photo);
        await Expect(playground.Page.Locator("#attachments img")).ToHaveCountAsync(1);

        // Every length the answer's text takes on screen, to tell a stream from one final paint.
        await playground.Page.EvaluateAsync("""
            () => {
              window.answerLengths = [];
              new MutationObserver(() => {
                const answer = document.querySelector('#thread > li.assistant:last-child .content');
                if (answer) window.answerLengths.push(answer.textContent.length);
              }).observe(document.getElementById('thread'), { subtree: true, childList: true, characterData: true });
            }
            """);
        // The engine is held twice half-way, and each time the page must show a longer partial answer: streaming is
        // observed whatever the machine's speed.
        server.Pause.Arm(40, 200);
        try
        {
            await playground.AskAsync(question);
            var shown = 0;
            for (var stop = 0; stop < 2; stop++)
            {
                await server.Pause.Reached;
                var handle = await playground.Page.WaitForFunctionAsync("n => window.answerLengths.some(l => l > n)", shown);
                await handle.DisposeAsync();
                shown = await playground.Page.EvaluateAsync<int>("() => Math.max(...window.answerLengths)");
                server.Pause.Release();
            }
        }
        finally
        {
            server.Pause.Arm();
        }
        await playground.WaitForAnswerAsync();

        var expected = await DirectApi.GreedyAsync(_http, DirectApi.User(question, DirectApi.FixtureDataUrl(Photo)), maxTokens, ignoreEos: true);
        var stored = await playground.StoredMessagesAsync();
        Assert.Equal(2, stored.GetArrayLength());
        Assert.Equal(question, stored[0].GetProperty("text").GetString());
        Assert.Equal(expected.Content, stored[1].GetProperty("text").GetString());

        var lengths = await playground.Page.EvaluateAsync<int[]>("() => window.answerLengths");
        var partial = lengths.Where(length => length > 0 && length < expected.Content.Length).Distinct().Count();
        Assert.True(partial >= 2, $"the answer appeared in {partial} partial steps: [{string.Join(", ", lengths)}]");

        await Expect(playground.Page.Locator("#thread > li.user img")).ToHaveAttributeAsync("alt", Photo);
        var metrics = playground.LastAnswer.Locator(".metrics");
        await Expect(metrics).ToContainTextAsync("first token ");
        await Expect(metrics).ToContainTextAsync(" tok/s");
        await Expect(metrics).ToContainTextAsync($"{expected.PromptTokens} prompt tokens");
        await Expect(metrics).ToContainTextAsync($"· {maxTokens} completion tokens");
        await Expect(metrics).ToContainTextAsync("finish: length");
    }

    [Fact]
    public async Task TheSettingsGoIntoTheRequest()
    {
        var playground = await server.OpenAsync();
        await Expect(playground.Page.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync("tiny-llava-visible");
        await playground.SetAsync("System prompt", "Answer briefly.");
        await playground.SetAsync("Temperature", "0.4");
        await playground.SetAsync("Top p", "0.5");
        await playground.SetAsync("Max tokens", "3");
        await playground.SetAsync("Seed", "1234");
        await playground.SetAsync("Extra request fields (JSON)", """{"top_k": 7, "stream": false}""");

        var request = await playground.Page.RunAndWaitForRequestAsync(() => playground.AskAsync("Hi"), "**/v1/chat/completions");
        await playground.WaitForAnswerAsync();

        var body = System.Text.Json.JsonDocument.Parse(request.PostData!).RootElement;
        Assert.Equal("tiny-llava-visible", body.GetProperty("model").GetString());
        Assert.Equal(0.4, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.5, body.GetProperty("top_p").GetDouble());
        Assert.Equal(3, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(1234, body.GetProperty("seed").GetInt64());
        Assert.Equal(7, body.GetProperty("top_k").GetInt32());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var messages = body.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("Answer briefly.", messages[0].GetProperty("content").GetString());
        Assert.Equal("Hi", messages[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task AnInvalidSettingIsNamedAndNothingIsSent()
    {
        var playground = await server.OpenAsync();
        await playground.SetAsync("Temperature", "3");

        await playground.AskAsync("Hi");

        await Expect(playground.ComposerError).ToHaveTextAsync("Temperature must be between 0 and 2.");
        var field = playground.Page.GetByLabel("Temperature", new() { Exact = true });
        await Expect(field).ToBeFocusedAsync();
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(playground.Messages).ToHaveCountAsync(0);
        await Expect(playground.MessageBox).ToHaveValueAsync("Hi");
    }

    [Fact]
    public async Task TheConversationIsKeptAcrossAReload()
    {
        var playground = await server.OpenAsync();
        await playground.UseGreedyAsync(12);
        await playground.AskAsync("Hello there");
        await playground.WaitForAnswerAsync();
        var answer = (await playground.StoredMessagesAsync())[1].GetProperty("text").GetString()!;

        await playground.Page.ReloadAsync();

        await Expect(playground.Messages).ToHaveCountAsync(2);
        await Expect(playground.Page.Locator("#thread > li.user .message-text")).ToHaveTextAsync("Hello there");
        Assert.Equal(answer, (await playground.StoredMessagesAsync())[1].GetProperty("text").GetString());
        await Expect(playground.LastAnswer.Locator(".metrics")).ToContainTextAsync("completion tokens");
        var entry = playground.Page.Locator("#conversation-list .conversation-title");
        await Expect(entry).ToHaveTextAsync("Hello there");
        await Expect(entry).ToHaveAttributeAsync("aria-current", "true");
        await Expect(playground.Page.GetByLabel("Max tokens", new() { Exact = true })).ToHaveValueAsync("12");
    }

    [Fact]
    public async Task RegenerateRepeatsAGreedyAnswerAndAnEditedQuestionGetsItsOwn()
    {
        const int maxTokens = 16;
        var playground = await server.OpenAsync();
        await playground.UseGreedyAsync(maxTokens, ignoreEos: true);
        await playground.AskAsync("Describe a cat.");
        await playground.WaitForAnswerAsync();
        var first = (await playground.StoredMessagesAsync())[1].GetProperty("text").GetString();

        await playground.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Regenerate this answer" }).ClickAsync();
        await playground.WaitForAnswerAsync();
        var regenerated = await playground.StoredMessagesAsync();
        Assert.Equal(2, regenerated.GetArrayLength());
        Assert.Equal(first, regenerated[1].GetProperty("text").GetString());

        await playground.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Edit and resend this message" }).ClickAsync();
        var editor = playground.Page.GetByLabel("Edit message");
        await Expect(editor).ToBeFocusedAsync();
        await editor.FillAsync("Describe a dog.");
        await editor.PressAsync("Enter");
        await playground.WaitForAnswerAsync();

        var expected = await DirectApi.GreedyAsync(_http, DirectApi.User("Describe a dog."), maxTokens, ignoreEos: true);
        var edited = await playground.StoredMessagesAsync();
        Assert.Equal(2, edited.GetArrayLength());
        Assert.Equal("Describe a dog.", edited[0].GetProperty("text").GetString());
        Assert.Equal(expected.Content, edited[1].GetProperty("text").GetString());
        await Expect(playground.Page.Locator("#thread > li.user .message-text")).ToHaveTextAsync("Describe a dog.");
    }

    [Fact]
    public async Task NewChatStartsAnEmptyThreadAndKeepsTheOldConversation()
    {
        var playground = await server.OpenAsync();
        await playground.UseGreedyAsync(4);
        await playground.AskAsync("First conversation");
        await playground.WaitForAnswerAsync();

        await playground.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await Expect(playground.Messages).ToHaveCountAsync(0);
        await Expect(playground.MessageBox).ToBeFocusedAsync();
        await playground.AskAsync("Second conversation");
        await playground.WaitForAnswerAsync();

        var titles = playground.Page.Locator("#conversation-list .conversation-title");
        await Expect(titles).ToHaveTextAsync(["Second conversation", "First conversation"]);
        await titles.Nth(1).ClickAsync();
        await Expect(playground.Page.Locator("#thread > li.user .message-text")).ToHaveTextAsync("First conversation");
    }
}
