namespace Llava.Engine.Generation;

/// <summary>
/// A snapshot of the engine's state and counters, taken after each engine step (for a JSON status endpoint; the
/// same values are published as metrics, see docs/scheduler.md). Counters run from engine start.
/// </summary>
public sealed record EngineStats
{
    /// <summary>Sequences holding a KV-cache slot (prefilling or decoding).</summary>
    public int RunningSequences { get; init; }

    /// <summary>Requests waiting for a slot, preempted sequences included.</summary>
    public int WaitingRequests { get; init; }

    public int KvCacheSlotsTotal { get; init; }

    /// <summary>Slots held by running sequences.</summary>
    public int KvCacheSlotsUsed { get; init; }

    /// <summary>Idle slots kept as cached prefixes (handed out again whenever admission needs a slot).</summary>
    public int KvCacheSlotsCached { get; init; }

    /// <summary>Positions all slots together can hold.</summary>
    public long KvCacheTokensCapacity { get; init; }

    /// <summary>Positions holding keys and values of running sequences.</summary>
    public long KvCacheTokensUsed { get; init; }

    /// <summary>Positions holding cached prefixes.</summary>
    public long KvCacheTokensCached { get; init; }

    public long ImageCacheHits { get; init; }
    public long ImageCacheMisses { get; init; }
    public int ImageCacheEntries { get; init; }
    public long ImageCacheBytes { get; init; }
    public long ImageCacheCapacityBytes { get; init; }

    /// <summary>Admissions that started from a cached prefix (of at least the minimum length).</summary>
    public long PrefixCacheHits { get; init; }

    public long PrefixCacheMisses { get; init; }

    /// <summary>Prompt positions taken from cached prefixes instead of being computed.</summary>
    public long PrefixCacheReusedTokens { get; init; }

    /// <summary>Running sequences sent back to the queue to be recomputed later.</summary>
    public long Preemptions { get; init; }

    /// <summary>Requests failed with <see cref="EngineTimeoutException"/>.</summary>
    public long QueueTimeouts { get; init; }

    /// <summary>Prompt tokens of admitted requests (each request counted once).</summary>
    public long PromptTokens { get; init; }

    /// <summary>Positions actually run through the model as prefill (prefix-cache hits excluded, recomputation after preemption included).</summary>
    public long PrefillTokens { get; init; }

    public long GeneratedTokens { get; init; }

    /// <summary>Forward passes run.</summary>
    public long Steps { get; init; }
}
