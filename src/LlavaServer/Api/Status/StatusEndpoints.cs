using System.Text.Json;
using Llava.Engine.Prompting;
using LlavaServer.Hosting;
using LlavaServer.Telemetry;

namespace LlavaServer.Api.Status;

/// <summary><c>GET /v1/status</c>: running and waiting sequences, KV-cache use, token rates, limits.</summary>
internal static class StatusEndpoints
{
    public static void MapStatus(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/status", (EngineHost host, ServerActivity activity, InFlightRequests inFlight, ServerOptions options) =>
                TypedResults.Json(Read(host, activity, inFlight, options), StatusJsonContext.Default.ServerStatus))
            .WithName("ServerStatus").WithTags("Operations")
            .Produces<ServerStatus>().ProducesApiErrors(StatusCodes.Status401Unauthorized);
    }

    private static ServerStatus Read(EngineHost host, ServerActivity activity, InFlightRequests inFlight, ServerOptions options)
    {
        var engine = host.Engine;
        var running = engine?.RunningCount ?? 0;
        var stats = engine?.GetStats();
        return new ServerStatus(
            "server.status",
            host.State.ToString().ToLowerInvariant(),
            engine?.Model.Name,
            engine is null ? null : TemplateInfo(engine.Prompts.Template),
            engine?.Model.Precision,
            activity.Uptime.TotalSeconds,
            new RequestCounts(running, engine?.WaitingCount ?? 0, options.MaxNumSeqs, options.MaxWaitingRequests, inFlight.Count),
            stats is null
                ? new KvCacheUse(0, options.MaxNumSeqs, 0)
                : new KvCacheUse(stats.KvCacheSlotsUsed, stats.KvCacheSlotsTotal, stats.KvCacheSlotsUsed / (double)stats.KvCacheSlotsTotal),
            new Throughput(
                activity.GenerationTokensPerSecond,
                activity.PromptTokensPerSecond,
                ServerActivity.RateWindowSeconds,
                activity.GenerationTokens,
                activity.PromptTokens,
                activity.ImagesProcessed,
                activity.SequencesFinished),
            stats is null ? [] :
            [
                Hits("image_features", stats.ImageCacheHits, stats.ImageCacheMisses),
                Hits("prefix", stats.PrefixCacheHits, stats.PrefixCacheMisses),
            ],
            new ServerLimits(engine?.Model.MaxModelLength ?? options.MaxModelLen, options.MaxImageBytes, options.MaxImagesPerRequest,
                options.MaxRequestBodyBytes),
            engine?.LiveTensorCount);
    }

    private static ChatTemplateInfo TemplateInfo(ChatTemplate template) => new(
        JsonNamingPolicy.SnakeCaseLower.ConvertName(template.Origin.ToString()),
        template.ContentFormat.ToString().ToLowerInvariant(),
        template.DetectedContentFormat.ToString().ToLowerInvariant());

    private static CacheHits Hits(string name, long hits, long misses) =>
        new(name, hits, misses, hits + misses == 0 ? null : hits / (double)(hits + misses));
}
