using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>The playground page, driven the way a person uses it: by labels, buttons and keys.</summary>
public sealed class Playground(IPage page)
{
    public IPage Page => page;

    public ILocator MessageBox => page.GetByLabel("Message", new() { Exact = true });
    public ILocator SendButton => page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true });
    public ILocator StopButton => page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true });
    public ILocator Messages => page.Locator("#thread > li");
    public ILocator Answers => page.Locator("#thread > li.assistant");
    public ILocator LastAnswer => Answers.Last;
    public ILocator ComposerError => page.Locator("#composer-error");
    public ILocator Notice => page.Locator("#notice");
    public ILocator RunningStat => page.Locator("#stat-running");

    /// <summary>Fills a settings field by its label.</summary>
    public Task SetAsync(string label, string value) => page.GetByLabel(label, new() { Exact = true }).FillAsync(value);

    /// <summary>Deterministic answers: greedy decoding with a fixed length.</summary>
    public async Task UseGreedyAsync(int maxTokens, bool ignoreEos = false)
    {
        await SetAsync("Temperature", "0");
        await SetAsync("Max tokens", maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SetAsync("Extra request fields (JSON)", ignoreEos ? """{"ignore_eos": true}""" : "");
    }

    public Task AttachAsync(params string[] paths) => page.Locator("#file-input").SetInputFilesAsync(paths);

    public Task AttachAsync(FilePayload file) => page.Locator("#file-input").SetInputFilesAsync(file);

    /// <summary>Types a question and sends it with Enter.</summary>
    public async Task AskAsync(string text)
    {
        await MessageBox.FillAsync(text);
        await MessageBox.PressAsync("Enter");
    }

    /// <summary>Waits until the last answer is no longer streaming.</summary>
    public async Task WaitForAnswerAsync()
    {
        await Expect(LastAnswer).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(SendButton).ToBeVisibleAsync();
    }

    /// <summary>Waits until text has streamed into the last answer.</summary>
    public Task WaitForTokensAsync() =>
        Expect(LastAnswer.Locator(".content")).Not.ToBeEmptyAsync();

    /// <summary>The conversations as the page stored them in local storage.</summary>
    public async Task<JsonElement> StoredConversationsAsync()
    {
        var json = await page.EvaluateAsync<string?>("() => localStorage.getItem('llava-playground.conversations')");
        return JsonDocument.Parse(json ?? "[]").RootElement;
    }

    /// <summary>The messages of the open conversation as stored.</summary>
    public async Task<JsonElement> StoredMessagesAsync()
    {
        var current = await page.EvaluateAsync<string?>("() => localStorage.getItem('llava-playground.current')");
        var conversations = await StoredConversationsAsync();
        return conversations.EnumerateArray().Single(c => c.GetProperty("id").GetString() == current).GetProperty("messages");
    }
}
