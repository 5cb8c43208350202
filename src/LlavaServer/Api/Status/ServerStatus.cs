namespace LlavaServer.Api.Status;

/// <summary>
/// <c>GET /v1/status</c>: what the server is doing now, for the playground's server panel and for people.
/// Grouped in sections so fields can be added without breaking readers; every counter runs from start-up.
/// </summary>
/// <param name="Object">Always <c>server.status</c>.</param>
/// <param name="State"><c>loading</c>, <c>ready</c>, <c>failed</c> or <c>draining</c>.</param>
/// <param name="Model">The served model id; null until the model is loaded.</param>
/// <param name="ChatTemplate">Where the chat template came from and how it gets message content; null until loaded.</param>
/// <param name="Precision">The dtype the model runs in and how its matmuls treat half-precision weights, with the
/// reason (<c>--dtype auto</c> explains its pick); null until the model is loaded.</param>
/// <param name="Caches">One entry per cache the engine reports hit counters for.</param>
/// <param name="LiveTensors">Tensors alive on the engine thread (constant between requests unless something leaks).</param>
public sealed record ServerStatus(
    string Object,
    string State,
    string? Model,
    ChatTemplateInfo? ChatTemplate,
    string? Precision,
    double UptimeSeconds,
    RequestCounts Requests,
    KvCacheUse KvCache,
    Throughput Throughput,
    IReadOnlyList<CacheHits> Caches,
    ServerLimits Limits,
    long? LiveTensors);

/// <param name="Origin"><c>chat_template_json</c>, <c>chat_template_jinja</c>, <c>tokenizer_config</c>,
/// <c>built_in_llava15</c> or <c>override</c> (<c>--chat-template</c>).</param>
/// <param name="ContentFormat"><c>string</c> or <c>openai</c>: the format in use.</param>
/// <param name="DetectedContentFormat">What the template's structure says; differs from the above only when overridden.</param>
public sealed record ChatTemplateInfo(string Origin, string ContentFormat, string DetectedContentFormat);

/// <param name="Running">Sequences holding a KV-cache slot.</param>
/// <param name="Waiting">Sequences queued for a slot.</param>
/// <param name="MaxRunning">Sequences decoded together (<c>--max-num-seqs</c>).</param>
/// <param name="MaxWaiting">Queue length before requests are refused with 429.</param>
/// <param name="InFlightHttp">HTTP requests in progress, status polls included.</param>
public sealed record RequestCounts(int Running, int Waiting, int MaxRunning, int MaxWaiting, int InFlightHttp);

/// <summary>Each slot holds one sequence's whole context, so use is slots held over slots.</summary>
public sealed record KvCacheUse(int SlotsUsed, int SlotsTotal, double Usage);

/// <param name="WindowSeconds">The rates are averages over this many recent seconds.</param>
public sealed record Throughput(
    double GenerationTokensPerSecond,
    double PromptTokensPerSecond,
    int WindowSeconds,
    long GenerationTokensTotal,
    long PromptTokensTotal,
    long ImagesTotal,
    long SequencesFinishedTotal);

/// <param name="HitRate">Hits over lookups; null before the first lookup.</param>
public sealed record CacheHits(string Name, long Hits, long Misses, double? HitRate);

/// <summary>The limits a client should check before sending (the playground checks image sizes with them).</summary>
public sealed record ServerLimits(int? MaxModelLen, long MaxImageBytes, int MaxImagesPerRequest, long MaxRequestBodyBytes);
