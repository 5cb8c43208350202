using LlavaServer.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LlavaServer.Tests;

/// <summary>
/// The real server (<see cref="LoopbackServer"/>) started once per test class and ready before the first test runs,
/// with a client for it.
/// </summary>
public abstract class ServerFixture : LoopbackServerFixture, IAsyncLifetime
{
    /// <summary>A client that sends <see cref="LoopbackServerFixture.ApiKey"/>, if any.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await StartServerAsync();
        Http = CreateClient();
    }

    /// <inheritdoc cref="LoopbackServer.CreateClient"/>
    public HttpClient CreateClient(bool abandonAtOnce = false) => Server.CreateClient(abandonAtOnce);

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await StopServerAsync();
    }
}

/// <summary>Default settings, a 512-token context and four decode slots.</summary>
public sealed class ApiServer : ServerFixture
{
    protected override IEnumerable<string> Arguments => ["--max-model-len", "512", "--max-num-seqs", "4"];
}

/// <summary>
/// API keys, a small body limit, remote images allowed for some loopback names (which the SSRF guard must
/// still refuse), and one decode slot with one waiting place.
/// </summary>
public sealed class GuardedServer : ServerFixture
{
    public const string FirstKey = "sk-first-test-key";
    public const string SecondKey = "sk-second-test-key";
    public const int BodyLimit = 200_000;

    protected override IEnumerable<string> Arguments =>
    [
        "--api-key", FirstKey, "--api-key", SecondKey,
        "--max-request-body-bytes", BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--allowed-media-domains", "localhost,127.0.0.1,[::1]",
        "--media-fetch-timeout", "2",
        "--max-num-seqs", "1", "--max-waiting-requests", "1",
    ];

    public override string? ApiKey => FirstKey;
}

/// <summary>
/// Two tenants' API keys, the metrics scrape behind a key too, and a Host allow-list (the loopback address the
/// tests use, and one name); a small context keeps the prompts cheap.
/// </summary>
public sealed class TenantServer : ServerFixture
{
    public const string FirstKey = "sk-tenant-one";
    public const string SecondKey = "sk-tenant-two";

    protected override IEnumerable<string> Arguments =>
    [
        "--api-key", FirstKey, "--api-key", SecondKey, "--metrics-require-key",
        "--allowed-hosts", "127.0.0.1,llava.example.com", "--max-model-len", "512",
    ];

    public override string? ApiKey => FirstKey;
}

/// <summary>
/// One decode slot and a queue deadline short enough that a request waiting behind a long one expires; the test holds
/// the long one (<see cref="Pause"/>) so it is still running when the deadline passes, however fast the machine.
/// </summary>
public sealed class QueueDeadlineServer : ServerFixture
{
    public static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(0.3);

    public SamplingPause Pause { get; } = new();

    protected override IEnumerable<string> Arguments =>
    [
        "--max-model-len", "2048", "--max-num-seqs", "1", "--max-waiting-requests", "4",
        "--queue-timeout", QueueTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    protected override void ConfigureServices(IServiceCollection services) => Pause.AddTo(services);
}

/// <summary>
/// Image limits of its own (a small pixel limit, a byte limit above the decoder's former 20,000,000) and one decode
/// slot with one waiting place, so a third request finds the queue full.
/// </summary>
public sealed class LimitedServer : ServerFixture
{
    public const long MaxImagePixels = 1_000_000;
    public const long MaxImageBytes = 25_000_000;

    protected override IEnumerable<string> Arguments =>
    [
        "--max-image-pixels", MaxImagePixels.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--max-image-bytes", MaxImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--max-num-seqs", "1", "--max-waiting-requests", "1",
    ];
}

/// <summary>No <c>--model</c>: what <c>dotnet run --project src/LlavaServer</c> serves.</summary>
public sealed class DefaultModelServer : ServerFixture
{
    protected override IEnumerable<string> ModelArguments => [];
}

[CollectionDefinition(nameof(ApiServer))]
public sealed class ApiServerCollection : ICollectionFixture<ApiServer>;

[CollectionDefinition(nameof(GuardedServer))]
public sealed class GuardedServerCollection : ICollectionFixture<GuardedServer>;

[CollectionDefinition(nameof(QueueDeadlineServer))]
public sealed class QueueDeadlineServerCollection : ICollectionFixture<QueueDeadlineServer>;

[CollectionDefinition(nameof(LimitedServer))]
public sealed class LimitedServerCollection : ICollectionFixture<LimitedServer>;

[CollectionDefinition(nameof(DefaultModelServer))]
public sealed class DefaultModelServerCollection : ICollectionFixture<DefaultModelServer>;

[CollectionDefinition(nameof(TenantServer))]
public sealed class TenantServerCollection : ICollectionFixture<TenantServer>;
