namespace LlavaServer.Hosting;

/// <summary>
/// Counts requests in progress, so shutdown can say what it is waiting for. Kestrel itself does the
/// draining: on stop it accepts nothing new and lets running requests (and streams) finish until
/// <see cref="HostOptions.ShutdownTimeout"/> (<c>--shutdown-drain-seconds</c>), then aborts the rest.
/// </summary>
public sealed class InFlightRequests
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

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

    /// <summary>Logs the drain's start and outcome.</summary>
    public void LogShutdown(IHostApplicationLifetime lifetime, ILogger logger, TimeSpan drainTimeout)
    {
        lifetime.ApplicationStopping.Register(() => logger.LogInformation(
            "shutting down: no new connections; waiting up to {Seconds:0.#} s for {Count} in-flight request(s)",
            drainTimeout.TotalSeconds, Count));
        lifetime.ApplicationStopped.Register(() =>
        {
            if (Count > 0) logger.LogWarning("drain timeout reached; {Count} request(s) were cut off", Count);
            else logger.LogInformation("all requests finished; stopped");
        });
    }
}
