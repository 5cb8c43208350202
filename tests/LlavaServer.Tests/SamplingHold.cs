using Llava.Engine.Generation;
using LlavaServer.Hosting;
using LlavaServer.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LlavaServer.Tests;

/// <summary>
/// Holds a server's engine inside sampling a request with a chosen seed until the test lets go, through the engine's
/// fault-injection seam: whatever that request occupies (a decode slot, an in-flight count) stays taken however
/// slowly the machine runs, where a long stream could finish first on a starved one.
/// </summary>
public sealed class SamplingHold(long seed) : IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Seed => seed;

    /// <summary>Completes when the engine has stopped inside sampling the held request.</summary>
    public Task Reached => _reached.Task;

    /// <summary>A server of its own whose engine the hold applies to.</summary>
    public Task<LoopbackServer> StartServerAsync(string[] args) =>
        LoopbackServer.StartAsync(args, configureServices: services => services.AddSingleton<EngineLoader>((options, logger) =>
            LlavaEngine.Load(options with
            {
                FaultInjector = (point, parameters) =>
                {
                    if (point != EngineFaultPoint.Sampling || parameters.Seed != seed) return;
                    _reached.TrySetResult();
                    _release.Wait();
                },
            }, logger)));

    public void Release() => _release.Set();

    /// <summary>Lets go, so a failing test never leaves the engine thread blocked.</summary>
    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }
}
