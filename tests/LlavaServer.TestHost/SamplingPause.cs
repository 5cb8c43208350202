using Llava.Engine.Generation;
using LlavaServer.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LlavaServer.TestHost;

/// <summary>
/// Holds the engine thread at chosen sampling steps (through the engine's fault-injection seam) until the test lets it
/// go, so a test can watch a stream half-way however fast the machine delivers tokens. Disarmed, it does nothing.
/// </summary>
public sealed class SamplingPause
{
    private readonly object _gate = new();
    private readonly Queue<int> _stops = new();
    private int _sampled;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManualResetEventSlim _release = new();

    /// <summary>
    /// Pause at each of these sampling counts (1-based, counted from now), in order; with none, disarms. Whatever the
    /// engine was held at is let go.
    /// </summary>
    public void Arm(params int[] stops)
    {
        lock (_gate)
        {
            _release.Set();
            _sampled = 0;
            _stops.Clear();
            foreach (var stop in stops) _stops.Enqueue(stop);
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new ManualResetEventSlim();
        }
    }

    /// <summary>Completes when the engine is held at the next stop.</summary>
    public Task Reached { get { lock (_gate) return _reached.Task; } }

    /// <summary>Lets the engine go on to the next stop (or to the end).</summary>
    public void Release()
    {
        lock (_gate)
        {
            var release = _release;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new ManualResetEventSlim();
            release.Set();
        }
    }

    /// <summary>Makes the server's engine call <see cref="OnSample"/> for every sequence it samples.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddSingleton<EngineLoader>((options, logger) => LlavaEngine.Load(options with
        {
            FaultInjector = (point, _) =>
            {
                if (point == EngineFaultPoint.Sampling) OnSample();
            },
        }, logger));

    /// <summary>Called on the engine thread for every sequence sampled.</summary>
    public void OnSample()
    {
        ManualResetEventSlim release;
        lock (_gate)
        {
            if (_stops.Count == 0 || ++_sampled != _stops.Peek())
                return;
            _stops.Dequeue();
            release = _release;
            _reached.TrySetResult();
        }
        release.Wait();
    }
}
