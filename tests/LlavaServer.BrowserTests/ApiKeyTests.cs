using Microsoft.Playwright;
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

    /// <summary>
    /// Session storage belongs to one tab: without "Remember" a second tab starts without the key, and nothing on
    /// disk holds it. Ticked, the key is in local storage and every new tab has it; unticked again, it leaves.
    /// </summary>
    [Fact]
    public async Task TheKeyStaysWithTheTabUnlessRemembered()
    {
        var playground = await server.OpenAsync();
        var page = playground.Page;
        await playground.SetAsync("API key", KeyedServer.Key);
        await Expect(page.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync("tiny-llava-visible");
        Assert.DoesNotContain(KeyedServer.Key, await LocalStorageAsync(page));

        var secondTab = await OpenTabAsync(page);
        await Expect(KeyField(secondTab)).ToHaveValueAsync("");
        await Expect(RememberBox(secondTab)).Not.ToBeCheckedAsync();

        await RememberBox(page).CheckAsync();
        Assert.Contains(KeyedServer.Key, await LocalStorageAsync(page));
        var thirdTab = await OpenTabAsync(page);
        await Expect(KeyField(thirdTab)).ToHaveValueAsync(KeyedServer.Key);
        await Expect(RememberBox(thirdTab)).ToBeCheckedAsync();

        await RememberBox(thirdTab).UncheckAsync();
        Assert.DoesNotContain(KeyedServer.Key, await LocalStorageAsync(thirdTab));
        await thirdTab.ReloadAsync();
        await Expect(KeyField(thirdTab)).ToHaveValueAsync(KeyedServer.Key);
    }

    [Fact]
    public async Task AKeyAnEarlierVersionKeptOnDiskMovesToTheSession()
    {
        var playground = await server.OpenAsync();
        var page = playground.Page;
        await page.EvaluateAsync("key => localStorage.setItem('llava-playground.settings', JSON.stringify({ apiKey: key, maxTokens: '7' }))",
            KeyedServer.Key);
        await page.ReloadAsync();

        await Expect(KeyField(page)).ToHaveValueAsync(KeyedServer.Key);
        await Expect(page.GetByLabel("Max tokens", new() { Exact = true })).ToHaveValueAsync("7");
        Assert.DoesNotContain(KeyedServer.Key, await LocalStorageAsync(page));
    }

    private static ILocator KeyField(IPage page) => page.GetByLabel("API key", new() { Exact = true });

    private static ILocator RememberBox(IPage page) => page.GetByLabel("Remember the key in this browser");

    private static async Task<IPage> OpenTabAsync(IPage page)
    {
        var tab = await page.Context.NewPageAsync();
        await tab.GotoAsync("/");
        return tab;
    }

    private static Task<string> LocalStorageAsync(IPage page) => page.EvaluateAsync<string>("() => JSON.stringify({ ...localStorage })");

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
