using System.Diagnostics;
using System.Threading.Channels;
using Llava.Engine.Caching;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.Model;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The engine thread. It alone owns the model, the KV cache and the caches. Each step it takes a plan from the
/// <see cref="Scheduler"/> (admissions, preemptions, the chunks to compute), has the <see cref="ModelRunner"/>
/// prepare the admitted sequences and run one packed forward, samples every sequence that produced logits, hands
/// the tokens to each sequence's output, and gives the results back to the scheduler. Request threads only enqueue
/// and read channels. Design: docs/scheduler.md.
/// </summary>
internal sealed class EngineCore : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly KvCache _cache;
    private readonly Scheduler _scheduler;
    private readonly ImageFeatureCache _images;
    private readonly EngineOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Sequence> _incoming;
    private readonly List<(Sequence Sequence, Exception? Error)> _endedStreams = [];
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly EngineMetrics _metrics;

    private int _runningCount;
    private long _liveTensors;
    private long _wholeRowsCopied;
    private EngineStats _stats;
    private long _forwards;

    /// <param name="meterScope">The object that owns this engine's meter (tells engines with the same meter name apart).</param>
    public EngineCore(LlavaForConditionalGeneration model, KvCache cache, EngineOptions options, ILogger logger, object meterScope)
    {
        _cache = cache;
        _options = options;
        _logger = logger;
        _images = new ImageFeatureCache((long)(options.ImageCacheMegabytes * 1024 * 1024));
        _scheduler = new Scheduler(new KvCacheSlots(cache), options, logger);
        _runner = new ModelRunner(model, cache, _images, options.DeviceSelection);
        _stats = Snapshot();
        _metrics = new EngineMetrics(() => Volatile.Read(ref _stats), meterScope);
        _incoming = Channel.CreateUnbounded<Sequence>(new UnboundedChannelOptions { SingleReader = true });
        _thread = new Thread(Run) { IsBackground = true, Name = "llava-engine" };
        _thread.Start();
    }

    /// <summary>Sequences admitted and holding a cache slot.</summary>
    public int RunningCount => Volatile.Read(ref _runningCount);

    /// <summary>Sequences queued for a slot, preempted ones included.</summary>
    public int WaitingCount => _scheduler.WaitingCount;

    /// <summary>
    /// Tensors alive on the engine thread after the last step: the model's parameters, the KV cache and the cached
    /// image features, plus the prefill inputs of sequences still prefilling. Growth at rest means a leak.
    /// </summary>
    public long LiveTensorCount => Volatile.Read(ref _liveTensors);

    /// <summary>Logits rows the runner has copied whole to the host, as of the last step.</summary>
    public long WholeRowsCopied => Volatile.Read(ref _wholeRowsCopied);

    /// <summary>The snapshot taken after the last step.</summary>
    public EngineStats Stats => Volatile.Read(ref _stats);

    /// <summary>Whether <see cref="TrySubmit"/> would accept <paramref name="sequences"/> more right now.</summary>
    public bool HasQueueRoom(int sequences) => _scheduler.HasQueueRoom(sequences);

    /// <summary>False when <c>MaxWaitingRequests</c> sequences are already queued.</summary>
    public bool TrySubmit(Sequence sequence)
    {
        if (!_scheduler.TryReserveQueuePlace()) return false;
        if (!_incoming.Writer.TryWrite(sequence))
        {
            _scheduler.ReleaseQueuePlace();
            throw new ObjectDisposedException(nameof(LlavaEngine));
        }
        return true;
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_scheduler.HasWork && !WaitForWork()) break;
                Step();
            }
            catch (Exception e)
            {
                // A failed forward cannot be attributed to one sequence: fail the batch, keep serving.
                _logger.LogError(e, "engine step failed; failing {Count} running sequences", _scheduler.Running.Count);
                _scheduler.FailRunning(e);
                CollectRetired();
            }
            Publish();
            EndStreams();
        }
        _incoming.Writer.TryComplete();
        while (_incoming.Reader.TryRead(out var never)) _scheduler.Add(never);
        foreach (var sequence in _scheduler.TakeAll()) sequence.Output.Complete(new OperationCanceledException("engine stopped"));
    }

    private bool WaitForWork()
    {
        try
        {
            return _incoming.Reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Step()
    {
        while (_incoming.Reader.TryRead(out var arrived)) _scheduler.Add(arrived);
        var plan = _scheduler.Schedule();
        foreach (var sequence in plan.Preempted) _runner.Release(sequence);
        plan = Prepare(plan);
        CollectRetired();
        Publish();

        if (plan.Chunks.Count == 0) return;
        var started = Stopwatch.GetTimestamp();
        var rows = _runner.Run(plan.Chunks);
        _forwards++;

        var sampled = new List<(Sequence Sequence, StepRow Row)>(plan.Chunks.Count);
        for (var i = 0; i < plan.Chunks.Count; i++)
        {
            if (rows[i].Kind == StepRowKind.None) continue;
            var chunk = plan.Chunks[i];
            sampled.Add((chunk.Sequence, rows[i]));
            if (chunk.KeepsPromptLogits) chunk.Sequence.PromptLogits = _runner.Rows.Logits(rows[i].Index).ToArray();
        }
        // Sampling is per sequence on its own logits and random stream, so running it in parallel changes nothing
        // but the wall time (a top-p sort over 32k logits per sequence adds up at 16 sequences).
        if (sampled.Count == 1) Advance(sampled[0].Sequence, sampled[0].Row);
        else Parallel.ForEach(sampled, item => Advance(item.Sequence, item.Row));

        _scheduler.Update(plan, sampled.ConvertAll(item => item.Sequence));
        CollectRetired();
        _metrics.RecordStep(Stopwatch.GetElapsedTime(started), plan.TokenCount);
    }

    /// <summary>
    /// Acts on the plan's admissions: builds the decoder input of each prompt still to compute; sequences admitted
    /// with their whole input cached, logits included, take their next token right away (and decode with everyone
    /// else in this same step). A failure here is that sequence's alone. Returns the plan re-planned without the
    /// sequences that ended.
    /// </summary>
    private StepPlan Prepare(StepPlan plan)
    {
        var fromCache = new List<Sequence>();
        foreach (var (sequence, match) in plan.Admitted)
        {
            if (match.Logits is { } logits)
            {
                Advance(sequence, new StepRow(StepRowKind.Logits, -1), logits);
                fromCache.Add(sequence);
                continue;
            }
            try
            {
                _runner.PreparePrefill(sequence);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "preparing the input of a prompt of {Tokens} tokens failed", sequence.Prompt.TokenIds.Count);
                _scheduler.Abort(sequence, e);
            }
        }
        return _scheduler.Reschedule(plan, fromCache);
    }

    /// <summary>
    /// Samples one sequence's next token (under its output grammar, if any) and emits it. A failure here is that
    /// sequence's alone (its grammar, sampler, stop strings, detokenizer): it ends that stream, not the batch. Runs in
    /// parallel for the sequences of a step. Logprobs are those of the raw model, before logit_bias and the grammar's
    /// mask, as vLLM returns them by default: they say how likely the model found the token, which is what a caller
    /// scoring outputs or measuring confidence wants, and a masked distribution would report certainty wherever the
    /// grammar leaves one choice.
    /// </summary>
    /// <param name="row">Where the step's result for the sequence lies in the runner's rows.</param>
    /// <param name="cachedLogits">Instead of a step's row: the logits kept with a cached prompt.</param>
    private void Advance(Sequence sequence, StepRow row, float[]? cachedLogits = null)
    {
        try
        {
            _options.FaultInjector?.Invoke(EngineFaultPoint.Sampling, sequence.Parameters);
            var logits = cachedLogits is not null ? cachedLogits
                : row.Kind == StepRowKind.Logits ? _runner.Rows.Logits(row.Index) : default;
            int token;
            if (row.Kind == StepRowKind.Token)
                token = _runner.Rows.Token(row.Index);
            else if (row.Kind == StepRowKind.Candidates)
                token = sequence.Sampler.SampleTopK(_runner.Rows.CandidateValues(row.Index), _runner.Rows.CandidateIds(row.Index));
            else
            {
                var constraint = sequence.Constraint;
                var allowed = constraint is null ? default : constraint.NextAllowed(logits.Length);
                if (constraint is not null && allowed.IsEmpty)
                {
                    sequence.Output.EndClosedValue(sequence);
                    sequence.Finish();
                    return;
                }
                token = sequence.Sampler.Sample(logits, allowed);
            }
            sequence.Accept(token);
            var logprobs = sequence.Parameters.TopLogprobs is not { } top ? null
                : row.Logprobs >= 0 ? _runner.Rows.Logprobs(row, token, top)
                : LogprobCalculator.Compute(logits, token, top);
            if (sequence.Output.Emit(sequence, logprobs)) sequence.Finish();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "sampling failed for a sequence after {Generated} generated tokens", sequence.Generated.Count);
            sequence.Fail(e);
        }
    }

    /// <summary>Frees the runner's state of the sequences the scheduler retired; their streams end after the next snapshot.</summary>
    private void CollectRetired()
    {
        foreach (var (sequence, error) in _scheduler.TakeRetired())
        {
            _runner.Release(sequence);
            _endedStreams.Add((sequence, error));
        }
    }

    private void EndStreams()
    {
        foreach (var (sequence, error) in _endedStreams) sequence.Output.Complete(error);
        _endedStreams.Clear();
    }

    private void Publish()
    {
        Volatile.Write(ref _runningCount, _scheduler.Running.Count);
        Volatile.Write(ref _liveTensors, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Volatile.Write(ref _wholeRowsCopied, _runner.WholeRowsCopied);
        Volatile.Write(ref _stats, Snapshot());
    }

    private EngineStats Snapshot() => new()
    {
        RunningSequences = _scheduler.Running.Count,
        WaitingRequests = _scheduler.WaitingCount,
        KvCacheSlotsTotal = _cache.NumSlots,
        KvCacheSlotsUsed = _scheduler.Running.Count,
        KvCacheSlotsCached = _scheduler.Prefixes.Count,
        KvCacheTokensCapacity = (long)_cache.NumSlots * _cache.Capacity,
        KvCacheTokensUsed = _scheduler.RunningTokens,
        KvCacheTokensCached = _scheduler.Prefixes.Tokens,
        ImageCacheHits = _images.Hits,
        ImageCacheMisses = _images.Misses,
        ImageCacheEntries = _images.Count,
        ImageCacheBytes = _images.Bytes,
        ImageCacheCapacityBytes = _images.CapacityBytes,
        PrefixCacheHits = _scheduler.Prefixes.Hits,
        PrefixCacheMisses = _scheduler.Prefixes.Misses,
        PrefixCacheReusedTokens = _scheduler.Prefixes.ReusedTokens,
        Preemptions = _scheduler.Preemptions,
        QueueTimeouts = _scheduler.QueueTimeouts,
        PromptTokens = _scheduler.PromptTokens,
        PrefillTokens = _scheduler.PrefillTokens,
        GeneratedTokens = _scheduler.GeneratedTokens,
        Steps = _forwards,
    };

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _metrics.Dispose();
        _runner.Dispose();
        _images.Dispose();
    }
}
