using System.Text;
using Llava.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>Images the server cannot use: its error shows in the thread; one over its limit is refused before upload.</summary>
[Collection(nameof(OpenServer))]
public sealed class ImageErrorTests(OpenServer server) : IDisposable
{
    private readonly HttpClient _http = server.CreateClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ABrokenImageShowsTheServersErrorInTheThread()
    {
        var broken = Encoding.ASCII.GetBytes("this is not a PNG file");
        var playground = await server.OpenAsync();
        await playground.AttachAsync(new FilePayload { Name = "broken.png", MimeType = "image/png", Buffer = broken });
        await playground.AskAsync("What is this?");
        await playground.WaitForAnswerAsync();

        var (status, message) = await DirectApi.RefusalAsync(_http, DirectApi.User("What is this?", DirectApi.DataUrl("image/png", broken)));
        var error = playground.LastAnswer.Locator(".error");
        await Expect(error).ToHaveAttributeAsync("role", "alert");
        await Expect(error.Locator("strong")).ToContainTextAsync($"Error {status}");
        await Expect(error.Locator(".error-message")).ToHaveTextAsync(message);
        await Expect(playground.LastAnswer.Locator(".content")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task AnImageOverTheServersLimitIsRefusedBeforeUpload()
    {
        const string big = "landscape_640x480.png";
        Assert.True(new FileInfo(RepoPaths.Image(big)).Length > OpenServer.ImageLimit);
        var playground = await server.OpenAsync();
        await Expect(playground.RunningStat).Not.ToHaveTextAsync("–");

        await playground.AttachAsync(RepoPaths.Image(big), RepoPaths.Image("gradient_84x84.png"));

        await Expect(playground.ComposerError).ToContainTextAsync($"“{big}” is 610.9 KB; this server accepts images up to 293.0 KB.");
        await Expect(playground.Page.Locator("#attachments .attachment-name")).ToHaveTextAsync(["gradient_84x84.png"]);
    }

    [Fact]
    public async Task AFileThatIsNotAnImageIsRefused()
    {
        var playground = await server.OpenAsync();

        await playground.AttachAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });

        await Expect(playground.ComposerError).ToHaveTextAsync("“notes.txt” is not an image (text/plain).");
        await Expect(playground.Page.Locator("#attachments")).ToBeHiddenAsync();
    }
}
