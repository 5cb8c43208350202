namespace LlavaServer.Hosting;

/// <summary>
/// Counts requests in progress and keeps the drain deadline. On stop Kestrel accepts nothing new and lets running
/// requests (and streams) finish; at <c>--shutdown-drain-seconds</c> <see cref="DrainDeadline"/> fires, and every
/// request still running ends with a <c>server_shutting_down</c> error (an error event and <c>[DONE]</c> in a
/// stream, a 503 otherwise) instead of a reset connection. Kestrel itself aborts only what is left
/// <see cref="Farewell"/> later (<see cref="HostOptions.ShutdownTimeout"/>).
/// </summary>
public sealed class InFlightRequests : IDisposable
{
    /// <summary>Time past the drain deadline for the last error events and 503s to be written.</summary>
    public static readonly TimeSpan Farewell = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _deadline = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Cancelled when the drain time after a stop request has run out; request work links it.</summary>
    public CancellationToken DrainDeadline => _deadline.Token;

    public async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _count);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Starts the drain clock when the application stops, and logs the drain's start and outcome.</summary>
    public void DrainOnStop(IHostApplicationLifetime lifetime, ILogger logger, TimeSpan drainTimeout)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            logger.LogInformation(
                "shutting down: no new connections; waiting up to {Seconds:0.#} s for {Count} in-flight request(s)",
                drainTimeout.TotalSeconds, Count);
            _deadline.CancelAfter(drainTimeout);
        });
        _deadline.Token.Register(() => logger.LogWarning(
            "drain deadline reached; ending {Count} request(s) with server_shutting_down", Count));
        lifetime.ApplicationStopped.Register(() =>
        {
            if (Count > 0) logger.LogWarning("{Count} request(s) were cut off", Count);
            else logger.LogInformation("all requests finished; stopped");
        });
    }

    public void Dispose() => _deadline.Dispose();
}
