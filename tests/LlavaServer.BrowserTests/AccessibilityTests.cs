using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>
/// axe-core finds no serious or critical violation on the page with every kind of message in the thread,
/// in both themes and at desktop and phone widths; at phone width nothing scrolls sideways.
/// </summary>
[Collection(nameof(OpenServer))]
public sealed class AccessibilityTests(OpenServer server)
{
    [Theory]
    [InlineData(1280, 800, ColorScheme.Light)]
    [InlineData(1280, 800, ColorScheme.Dark)]
    [InlineData(390, 844, ColorScheme.Light)]
    [InlineData(390, 844, ColorScheme.Dark)]
    public async Task NoSeriousOrCriticalViolations(int width, int height, ColorScheme scheme)
    {
        var playground = await server.OpenAsync(width, height, scheme);
        await SeededConversation.StoreAsync(playground);
        await Expect(playground.Answers).ToHaveCountAsync(3);
        await Expect(playground.RunningStat).ToHaveTextAsync("0 of 8");
        // Open every collapsible section, so what a phone hides at first is checked too.
        await playground.Page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => { d.open = true; })");

        var results = await playground.Page.RunAxe();

        var grave = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(grave.Count == 0, string.Join("\n", grave));
    }

    [Fact]
    public async Task APhoneWidthPageDoesNotScrollSideways()
    {
        var playground = await server.OpenAsync(360, 740);
        await SeededConversation.StoreAsync(playground);
        await Expect(playground.Answers).ToHaveCountAsync(3);

        Assert.True(await playground.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await Expect(playground.MessageBox).ToBeInViewportAsync();
        await Expect(playground.SendButton).ToBeInViewportAsync();
    }
}
