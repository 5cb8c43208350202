using Llava.Engine.Generation;
using LlavaServer.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlavaServer.Telemetry;

/// <summary>
/// OpenTelemetry wiring: metrics always (Prometheus scrape at <c>/metrics</c>, plus OTLP when an endpoint is
/// configured); traces only when OTLP is configured, since nothing else would read them.
/// </summary>
public static class TelemetrySetup
{
    public static void AddServerTelemetry(this IServiceCollection services, ServerOptions options)
    {
        var otlp = options.OtlpEndpoint is { Length: > 0 } endpoint ? new Uri(endpoint) : null;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("llava-server"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServerMetrics.MeterName, LlavaEngine.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                    .AddPrometheusExporter();
                if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ServerTracing.SourceName, "Microsoft.AspNetCore")
                .AddOtlpExporter(o => o.Endpoint = otlp));
        }
    }
}
