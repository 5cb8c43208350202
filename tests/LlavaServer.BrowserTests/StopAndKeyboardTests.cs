using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>Stopping an answer mid-stream frees its sequence on the server; the keyboard does what the hint says.</summary>
[Collection(nameof(OpenServer))]
public sealed class StopAndKeyboardTests(OpenServer server)
{
    /// <summary>Long enough (ignore_eos, most of the 2048-token context) to still be streaming when the test acts.</summary>
    private const int LongAnswer = 1900;

    private static async Task<Playground> StartLongAnswerAsync(Playground playground)
    {
        await playground.UseGreedyAsync(LongAnswer, ignoreEos: true);
        await playground.AskAsync("Count to a thousand.");
        await playground.WaitForTokensAsync();
        await Expect(playground.RunningStat).ToHaveTextAsync("1 of 8");
        return playground;
    }

    private async Task AssertStoppedAndFreedAsync(Playground playground)
    {
        await Expect(playground.LastAnswer.Locator(".stopped")).ToHaveTextAsync("Stopped.");
        await Expect(playground.RunningStat).ToHaveTextAsync("0 of 8");
        Assert.Equal(0, server.Engine.RunningCount);
        var answer = (await playground.StoredMessagesAsync())[1];
        Assert.True(answer.GetProperty("stopped").GetBoolean());
        var received = answer.GetProperty("metrics").GetProperty("completionTokens").GetInt32();
        Assert.InRange(received, 1, LongAnswer - 1);
        await Expect(playground.LastAnswer.Locator(".metrics")).ToContainTextAsync($"at least {received} completion tokens");
    }

    [Fact]
    public async Task StopEndsTheStreamAndTheServerFreesTheSequence()
    {
        var playground = await StartLongAnswerAsync(await server.OpenAsync());

        await playground.StopButton.ClickAsync();

        await AssertStoppedAndFreedAsync(playground);
        await Expect(playground.SendButton).ToBeVisibleAsync();
    }

    [Fact]
    public async Task EscapeStopsTheStream()
    {
        var playground = await StartLongAnswerAsync(await server.OpenAsync());

        await playground.Page.Keyboard.PressAsync("Escape");

        await AssertStoppedAndFreedAsync(playground);
    }

    [Fact]
    public async Task ShiftEnterAddsALineAndEnterSends()
    {
        var playground = await server.OpenAsync();
        await playground.UseGreedyAsync(4);
        await playground.MessageBox.FillAsync("first line");
        await playground.MessageBox.PressAsync("Shift+Enter");
        await playground.MessageBox.PressSequentiallyAsync("second line");
        await Expect(playground.MessageBox).ToHaveValueAsync("first line\nsecond line");
        await Expect(playground.Messages).ToHaveCountAsync(0);

        await playground.MessageBox.PressAsync("Enter");
        await playground.WaitForAnswerAsync();

        await Expect(playground.Page.Locator("#thread > li.user .message-text")).ToHaveTextAsync("first line\nsecond line");
        await Expect(playground.MessageBox).ToHaveValueAsync("");
        await Expect(playground.MessageBox).ToBeFocusedAsync();
    }

    [Fact]
    public async Task KeyboardFocusIsVisible()
    {
        var playground = await server.OpenAsync();
        await playground.MessageBox.FocusAsync();

        // From the message box, Tab reaches the file input, whose label is the visible "Attach images" button.
        await playground.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("file-input", await playground.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal("solid", await playground.Page.EvaluateAsync<string>(
            "() => getComputedStyle(document.querySelector('label[for=file-input]')).outlineStyle"));

        await playground.Page.Keyboard.PressAsync("Tab");
        await Expect(playground.SendButton).ToBeFocusedAsync();
        Assert.Equal("solid", await playground.Page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
    }
}
