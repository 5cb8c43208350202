using System.Diagnostics.Metrics;

namespace LlavaServer.Telemetry;

/// <summary>
/// Totals and recent rates of the serving work, read back from this server's own <see cref="ServerMetrics"/>
/// instruments (the same numbers <c>/metrics</c> exports), for the JSON status endpoint. A generated token is
/// counted when its latency is recorded — time to first token for a sequence's first, inter-token latency
/// for each later one — so the rate moves while streams run, not only when they finish.
/// </summary>
public sealed class ServerActivity : IHostedService, IDisposable
{
    /// <summary>Length of the window the rates are averaged over.</summary>
    public const int RateWindowSeconds = 5;

    private static readonly HashSet<string> CountedInstruments =
    [
        "llava.time_to_first_token", "llava.inter_token_latency", "llava.prompt_tokens", "llava.images_processed",
        "llava.sequences_finished",
    ];

    private readonly IMeterFactory _meterFactory;
    private readonly TimeProvider _clock;
    private readonly long _started;
    private readonly MeterListener _listener = new();
    private readonly ThroughputWindow _generationRate;
    private readonly ThroughputWindow _promptRate;
    private long _generationTokens;
    private long _promptTokens;
    private long _images;
    private long _finished;

    public ServerActivity(IMeterFactory meterFactory, TimeProvider clock)
    {
        _meterFactory = meterFactory;
        _clock = clock;
        _started = clock.GetTimestamp();
        _generationRate = new ThroughputWindow(clock, RateWindowSeconds);
        _promptRate = new ThroughputWindow(clock, RateWindowSeconds);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this server's meter: tests run several servers in one process, each with its own factory.
            if (instrument.Meter.Name == ServerMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _meterFactory)
                && CountedInstruments.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => OnTokenLatency());
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => OnCount(instrument.Name, value));
    }

    /// <summary>Time since the server was built.</summary>
    public TimeSpan Uptime => _clock.GetElapsedTime(_started);

    public long GenerationTokens => Interlocked.Read(ref _generationTokens);
    public long PromptTokens => Interlocked.Read(ref _promptTokens);
    public long ImagesProcessed => Interlocked.Read(ref _images);
    public long SequencesFinished => Interlocked.Read(ref _finished);

    /// <summary>Generated tokens per second over the last <see cref="RateWindowSeconds"/> seconds.</summary>
    public double GenerationTokensPerSecond => _generationRate.PerSecond();

    /// <summary>Prompt tokens submitted per second over the last <see cref="RateWindowSeconds"/> seconds.</summary>
    public double PromptTokensPerSecond => _promptRate.PerSecond();

    /// <summary>A time to first token or an inter-token latency: either way, one token was generated.</summary>
    private void OnTokenLatency()
    {
        Interlocked.Increment(ref _generationTokens);
        _generationRate.Add(1);
    }

    private void OnCount(string instrument, long value)
    {
        switch (instrument)
        {
            case "llava.prompt_tokens":
                Interlocked.Add(ref _promptTokens, value);
                _promptRate.Add(value);
                break;
            case "llava.images_processed":
                Interlocked.Add(ref _images, value);
                break;
            case "llava.sequences_finished":
                Interlocked.Add(ref _finished, value);
                break;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
