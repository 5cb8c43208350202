using LlavaServer.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LlavaServer.BrowserTests;

/// <summary>
/// The real server (<see cref="LoopbackServer"/>, the fixture model unless a subclass says otherwise) and a headless
/// Chromium, started once per test collection. Each test opens the page in a fresh browser context, so storage
/// starts empty.
/// </summary>
public abstract class PlaygroundServer : LoopbackServerFixture, IAsyncLifetime
{
    /// <summary>How long an expectation or a page action may wait: a bound on a hang, generous for a loaded machine.</summary>
    private const float ActionTimeoutMs = 300_000;

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The page's streams and the server panel run on a loaded two-core machine; waits bound hangs, not speed.
        Assertions.SetDefaultExpectTimeout(ActionTimeoutMs);
        await StartServerAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    public HttpClient CreateClient() => Server.CreateClient();

    /// <summary>A new browser context (empty storage) with the playground open in it.</summary>
    public async Task<Playground> OpenAsync(int width = 1280, int height = 800, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme,
        });
        context.SetDefaultTimeout(ActionTimeoutMs);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return new Playground(page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await StopServerAsync();
    }
}

/// <summary>Default settings but a small image limit, so the page's size check can be seen refusing a fixture image.</summary>
public sealed class OpenServer : PlaygroundServer
{
    public const long ImageLimit = 300_000;

    /// <summary>Lets a test hold the stream half-way (see <see cref="SamplingPause"/>).</summary>
    public SamplingPause Pause { get; } = new();

    protected override IEnumerable<string> Arguments =>
        ["--max-image-bytes", ImageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    protected override void ConfigureServices(IServiceCollection services) => Pause.AddTo(services);
}

/// <summary>A server that requires an API key.</summary>
public sealed class KeyedServer : PlaygroundServer
{
    public const string Key = "sk-playground-test-key";

    protected override IEnumerable<string> Arguments => ["--api-key", Key];

    public override string? ApiKey => Key;
}

/// <summary>No <c>--model</c>: the trained demo model a newcomer meets first.</summary>
public sealed class DemoModelServer : PlaygroundServer
{
    protected override IEnumerable<string> ModelArguments => [];
}

[CollectionDefinition(nameof(OpenServer))]
public sealed class OpenServerCollection : ICollectionFixture<OpenServer>;

[CollectionDefinition(nameof(KeyedServer))]
public sealed class KeyedServerCollection : ICollectionFixture<KeyedServer>;

[CollectionDefinition(nameof(DemoModelServer))]
public sealed class DemoModelServerCollection : ICollectionFixture<DemoModelServer>;
