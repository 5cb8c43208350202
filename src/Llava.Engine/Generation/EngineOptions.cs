using Llava.Engine.Imaging;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;

namespace Llava.Engine.Generation;

public sealed record EngineOptions
{
    /// <summary>A local folder in Hugging Face llava-hf layout.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The id clients use; defaults to the folder name.</summary>
    public string? ServedModelName { get; init; }

    /// <summary>
    /// Replaces the checkpoint's chat template: a file (<c>.json</c> like <c>chat_template.json</c>, else Jinja) or the
    /// template text itself (vLLM's <c>--chat-template</c>).
    /// </summary>
    public string? ChatTemplate { get; init; }

    /// <summary>How message content reaches the template; detected from it by default.</summary>
    public ChatTemplateContentFormat ChatTemplateContentFormat { get; init; } = ChatTemplateContentFormat.Auto;

    public string Device { get; init; } = "cpu";
    public string DType { get; init; } = "auto";

    /// <summary>Context length; defaults to the checkpoint's max_position_embeddings.</summary>
    public int? MaxModelLength { get; init; }

    /// <summary>Sequences decoded together; each holds one KV-cache slot of MaxModelLength tokens.</summary>
    public int MaxRunningSequences { get; init; } = 8;

    /// <summary>Requests waiting for a slot before new ones are refused.</summary>
    public int MaxWaitingRequests { get; init; } = 64;

    /// <summary>
    /// Tokens one engine step may run through the model: one per decoding sequence, the rest for prompt chunks
    /// (chunked prefill). Must exceed <see cref="MaxRunningSequences"/>.
    /// </summary>
    public int MaxBatchTokens { get; init; } = 512;

    /// <summary>
    /// How long a request may wait for its first admission; after that its stream fails with
    /// <see cref="EngineTimeoutException"/>. Null: no deadline.
    /// </summary>
    public TimeSpan? QueueTimeout { get; init; }

    /// <summary>
    /// Fairness: when no slot is free and the request at the head of the queue has waited this long, the sequence
    /// that has run longest since its admission (at least this long as well) is preempted: its slot is freed and it
    /// is queued again to be recomputed, its output continuing unchanged. Null: never preempt.
    /// </summary>
    public TimeSpan? PreemptAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Projected image features kept for reuse, keyed by image content hash (0 disables the cache).</summary>
    public double ImageCacheMegabytes { get; init; } = 256;

    /// <summary>Reuse the keys and values of a prompt prefix already computed for another sequence.</summary>
    public bool EnablePrefixCaching { get; init; } = true;

    /// <summary>The shortest shared prefix worth reusing.</summary>
    public int PrefixCacheMinTokens { get; init; } = 16;

    /// <summary>Idle slots kept as cached prefixes at most; null: every idle slot.</summary>
    public int? PrefixCacheMaxSlots { get; init; }

    /// <summary>The clock for queue deadlines and preemption ages (tests substitute their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ImageLimits ImageLimits { get; init; } = new();

    /// <summary>
    /// A seam for fault-injection tests, null otherwise: called on the engine thread at each
    /// <see cref="EngineFaultPoint"/> with the parameters of the request concerned. What it throws is that request's
    /// failure alone: its stream ends with the exception, the rest of the batch carries on.
    /// </summary>
    public Action<EngineFaultPoint, SamplingParams>? FaultInjector { get; init; }

    /// <summary>
    /// Greedy and top-k rows choose their token from what the model's device sends back (an argmax, or the k + 1
    /// best logits) instead of a copy of the whole logits row; the tokens are the same either way. False copies every
    /// row whole: for tests that compare the two paths and for diagnosis, not for serving.
    /// </summary>
    public bool DeviceSelection { get; init; } = true;

    /// <summary>Images decoded and preprocessed at once, across all requests; the rest wait (bounds decode memory).</summary>
    public int ImageDecodeConcurrency { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Check(Enum.IsDefined(ChatTemplateContentFormat), nameof(ChatTemplateContentFormat), "must be Auto, String or OpenAI");
        Check(MaxRunningSequences >= 1, nameof(MaxRunningSequences), "must be at least 1");
        Check(MaxWaitingRequests >= 0, nameof(MaxWaitingRequests), "must not be negative");
        Check(MaxBatchTokens > MaxRunningSequences, nameof(MaxBatchTokens),
            $"must exceed MaxRunningSequences ({MaxRunningSequences}) so prompts make progress while every other slot decodes");
        Check(QueueTimeout is null || QueueTimeout > TimeSpan.Zero, nameof(QueueTimeout), "must be positive");
        Check(PreemptAfter is null || PreemptAfter >= TimeSpan.Zero, nameof(PreemptAfter), "must not be negative");
        Check(ImageCacheMegabytes >= 0 && double.IsFinite(ImageCacheMegabytes), nameof(ImageCacheMegabytes), "must not be negative");
        Check(PrefixCacheMinTokens >= 1, nameof(PrefixCacheMinTokens), "must be at least 1");
        Check(PrefixCacheMaxSlots is null or >= 0, nameof(PrefixCacheMaxSlots), "must not be negative");
        Check(ImageDecodeConcurrency >= 1, nameof(ImageDecodeConcurrency), "must be at least 1");
    }

    private static void Check(bool ok, string option, string message)
    {
        if (!ok) throw new ArgumentException($"{option} {message}", option);
    }
}
