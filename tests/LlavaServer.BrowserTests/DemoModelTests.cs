using Llava.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>A newcomer's first minute: the bundled model, a held-out picture, and a right answer on the page.</summary>
[Collection(nameof(DemoModelServer))]
public sealed class DemoModelTests(DemoModelServer server)
{
    [Fact]
    public async Task ThePlaygroundShowsTheDemoModelDescribingAPicture()
    {
        var playground = await server.OpenAsync(height: 860);
        await Expect(playground.Page.GetByLabel("Model", new() { Exact = true })).ToHaveValueAsync("llava-shapes-tiny");
        await playground.UseGreedyAsync(96);

        await playground.AttachAsync(RepoPaths.ShapesImage("three-shapes.png"));
        await playground.AskAsync("Describe the image.");
        await playground.WaitForAnswerAsync();

        await Expect(playground.LastAnswer.Locator(".content")).ToHaveTextAsync(
            "The image shows three shapes on a light gray background. A large green star is at the top left. " +
            "A large purple circle is at the top. A large yellow triangle is on the left.");
        await Expect(playground.LastAnswer.Locator(".metrics")).ToContainTextAsync("finish: stop");

        // The README's picture of the playground; copy it to docs/playground.png when the page changes.
        await Expect(playground.RunningStat).ToHaveTextAsync("0 of 8");
        await playground.Page.Locator(".side").EvaluateAsync("side => { side.scrollTop = 0; }");
        await playground.Page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "playground.png") });
    }
}
