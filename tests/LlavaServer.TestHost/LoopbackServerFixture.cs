using Llava.Engine.Generation;
using Llava.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LlavaServer.TestHost;

/// <summary>
/// What a test fixture starts its <see cref="LoopbackServer"/> with — the model (the reference fixture unless a
/// subclass says otherwise), extra flags, an API key, service overrides — and the server once started.
/// </summary>
public abstract class LoopbackServerFixture
{
    private LoopbackServer? _server;

    protected LoopbackServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    public string BaseUrl => Server.BaseUrl;
    public LlavaEngine Engine => Server.Engine;

    /// <summary>Flags beyond the model and the address.</summary>
    protected virtual IEnumerable<string> Arguments => [];

    /// <summary>Which model to serve; the golden values of most tests belong to the reference fixture.</summary>
    protected virtual IEnumerable<string> ModelArguments => ["--model", RepoPaths.FixtureModel];

    /// <summary>The key the fixture's clients send, when the server requires one.</summary>
    public virtual string? ApiKey => null;

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected async Task StartServerAsync() =>
        _server = await LoopbackServer.StartAsync([.. ModelArguments, .. Arguments], ApiKey, ConfigureServices);

    protected ValueTask StopServerAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
