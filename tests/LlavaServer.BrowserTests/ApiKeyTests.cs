using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>On a server that requires an API key the page still loads, says what is missing, and works once the key is entered.</summary>
[Collection(nameof(KeyedServer))]
public sealed class ApiKeyTests(KeyedServer server)
{
    [Fact]
    public async Task ThePageAsksForTheKeyAndKeepsItOnceEntered()
    {
        var playground = await server.OpenAsync();
        await Expect(playground.Notice).ToContainTextAsync("This server needs an API key.");
        await Expect(playground.Page.Locator("#server-state")).ToHaveTextAsync("The server needs an API key: enter it under Settings.");

        await playground.SetAsync("API key", KeyedServer.Key);

        await Expect(playground.Page.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync("tiny-llava-visible");
        await Expect(playground.Notice).ToBeHiddenAsync();
        await Expect(playground.RunningStat).ToHaveTextAsync("0 of 8");
        await playground.UseGreedyAsync(4);
        await playground.AskAsync("Hello");
        await playground.WaitForAnswerAsync();
        await Expect(playground.LastAnswer.Locator(".error")).ToHaveCountAsync(0);
        await Expect(playground.LastAnswer.Locator(".metrics")).ToContainTextAsync("completion tokens");

        await playground.Page.ReloadAsync();
        await Expect(playground.Page.GetByLabel("API key", new() { Exact = true })).ToHaveValueAsync(KeyedServer.Key);
        await Expect(playground.Page.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync("tiny-llava-visible");
    }

    [Fact]
    public async Task AWrongKeyShowsTheServersErrorInTheThread()
    {
        var playground = await server.OpenAsync();
        await playground.SetAsync("API key", "sk-wrong");
        await playground.AskAsync("Hello");
        await playground.WaitForAnswerAsync();

        var error = playground.LastAnswer.Locator(".error");
        await Expect(error.Locator("strong")).ToHaveTextAsync("Error 401 · invalid_api_key");
        await Expect(error.Locator(".error-message")).ToHaveTextAsync("Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.");
    }
}
