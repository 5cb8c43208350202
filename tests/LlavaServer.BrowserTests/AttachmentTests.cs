using System.Text;
using Llava.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LlavaServer.BrowserTests;

/// <summary>
/// Images arrive by picker, drag and drop or paste, several per message; one the server cannot decode gets its
/// error in the thread, and one over the server's limit, or a file that is no image, is refused before upload.
/// </summary>
[Collection(nameof(OpenServer))]
public sealed class AttachmentTests(OpenServer server) : IDisposable
{
    private readonly HttpClient _http = server.CreateClient();

    public void Dispose() => _http.Dispose();

    /// <summary>Drops a fixture image on the chat column, or pastes it into the message box, as the browser would deliver it.</summary>
    private static Task DeliverAsync(Playground playground, string imageName, string how) =>
        playground.Page.EvaluateAsync("""
            ([name, base64, how]) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], name, { type: 'image/png' }));
              if (how === 'drop') {
                const chat = document.querySelector('main.chat');
                for (const type of ['dragenter', 'dragover', 'drop'])
                  chat.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
              } else {
                document.getElementById('message').dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
              }
            }
            """, new[] { imageName, Convert.ToBase64String(File.ReadAllBytes(RepoPaths.Image(imageName))), how });

    [Fact]
    public async Task DroppedAndPastedImagesGoOutTogetherInOneMessage()
    {
        const string question = "Compare these.";
        var playground = await server.OpenAsync();
        await playground.UseGreedyAsync(6, ignoreEos: true);

        await DeliverAsync(playground, "gradient_84x84.png", "drop");
        await DeliverAsync(playground, "palette_64x48.png", "paste");
        await DeliverAsync(playground, "rgba_100x80.png", "paste");
        await Expect(playground.Page.Locator("#drop-overlay")).ToBeHiddenAsync();
        var names = playground.Page.Locator("#attachments .attachment-name");
        await Expect(names).ToHaveTextAsync(["gradient_84x84.png", "palette_64x48.png", "rgba_100x80.png"]);
        await playground.Page.GetByRole(AriaRole.Button, new() { Name = "Remove rgba_100x80.png" }).ClickAsync();
        await Expect(names).ToHaveTextAsync(["gradient_84x84.png", "palette_64x48.png"]);

        await playground.AskAsync(question);
        await playground.WaitForAnswerAsync();

        await Expect(playground.Page.Locator("#attachments")).ToBeHiddenAsync();
        await Expect(playground.Page.Locator("#thread > li.user img")).ToHaveCountAsync(2);
        var expected = await DirectApi.GreedyAsync(_http,
            DirectApi.User(question, DirectApi.FixtureDataUrl("gradient_84x84.png"), DirectApi.FixtureDataUrl("palette_64x48.png")), 6, ignoreEos: true);
        Assert.Equal(expected.Content, (await playground.StoredMessagesAsync())[1].GetProperty("text").GetString());
        await Expect(playground.LastAnswer.Locator(".metrics")).ToContainTextAsync($"{expected.PromptTokens} prompt tokens");
    }

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
        await Expect(playground.Page.Locator("#announcer")).ToHaveTextAsync($"The server answered with an error: {message}");
        await Expect(error.Locator("strong")).ToContainTextAsync($"Error {status}");
        await Expect(error.Locator(".error-message")).ToHaveTextAsync(message);
        await Expect(playground.LastAnswer.Locator(".content")).ToBeEmptyAsync();
        await Expect(playground.LastAnswer.Locator(".metrics")).ToHaveCountAsync(0);
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
