using System.Diagnostics;
using System.Threading.Channels;
using Llava.Engine.Caching;
using Llava.Engine.Generation;
using Llava.Model;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The engine thread. It alone owns the model, the KV cache and the caches. Each step it retires cancelled
/// sequences, fails requests past their queue deadline, admits waiting ones FIFO while a slot can be had (reusing
/// cached prefixes, preempting the longest-running sequence for a request that has waited too long), then runs one
/// packed forward: a token for every decoding sequence plus prefill chunks up to the token budget. Request threads
/// only enqueue and read channels. Design: docs/scheduler.md.
/// </summary>
internal sealed class EngineCore : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly KvCache _cache;
    private readonly PrefixCache _prefixes;
    private readonly ImageFeatureCache _images;
    private readonly EngineOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Channel<Sequence> _incoming;
    private readonly LinkedList<Sequence> _waiting = new();
    private readonly List<Sequence> _running = [];
    private readonly List<(Sequence Sequence, Exception? Error)> _endedStreams = [];
    private readonly List<(Sequence Sequence, float[] Logits)> _readyLogits = [];
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly EngineMetrics _metrics;

    private int _queued;
    private int _runningCount;
    private long _liveTensors;
    private EngineStats _stats;
    private long _step;
    private long _preemptions;
    private long _queueTimeouts;
    private long _promptTokens;
    private long _prefillTokens;
    private long _generatedTokens;
    private long _forwards;

    /// <param name="meterScope">The object that owns this engine's meter (tells engines with the same meter name apart).</param>
    public EngineCore(LlavaForConditionalGeneration model, KvCache cache, EngineOptions options, ILogger logger, object meterScope)
    {
        _cache = cache;
        _options = options;
        _clock = options.TimeProvider;
        _logger = logger;
        _images = new ImageFeatureCache((long)(options.ImageCacheMegabytes * 1024 * 1024));
        _prefixes = new PrefixCache(cache, options.PrefixCacheMaxSlots ?? cache.NumSlots);
        _runner = new ModelRunner(model, cache, _images);
        _stats = Snapshot();
        _metrics = new EngineMetrics(() => Volatile.Read(ref _stats), meterScope);
        _incoming = Channel.CreateUnbounded<Sequence>(new UnboundedChannelOptions { SingleReader = true });
        _thread = new Thread(Run) { IsBackground = true, Name = "llava-engine" };
        _thread.Start();
    }

    /// <summary>Sequences admitted and holding a cache slot.</summary>
    public int RunningCount => Volatile.Read(ref _runningCount);

    /// <summary>Sequences queued for a slot, preempted ones included.</summary>
    public int WaitingCount => Volatile.Read(ref _queued);

    /// <summary>
    /// Tensors alive on the engine thread after the last step: the model's parameters, the KV cache and the cached
    /// image features, plus the prefill inputs of sequences still prefilling. Growth at rest means a leak.
    /// </summary>
    public long LiveTensorCount => Volatile.Read(ref _liveTensors);

    /// <summary>The snapshot taken after the last step.</summary>
    public EngineStats Stats => Volatile.Read(ref _stats);

    /// <summary>Whether <see cref="TrySubmit"/> would accept <paramref name="sequences"/> more right now.</summary>
    public bool HasQueueRoom(int sequences) => Volatile.Read(ref _queued) + sequences <= _options.MaxWaitingRequests;

    /// <summary>False when <c>MaxWaitingRequests</c> sequences are already queued.</summary>
    public bool TrySubmit(Sequence sequence)
    {
        if (Interlocked.Increment(ref _queued) > _options.MaxWaitingRequests)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }
        if (!_incoming.Writer.TryWrite(sequence))
        {
            Interlocked.Decrement(ref _queued);
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
                if (_running.Count == 0 && _waiting.Count == 0 && !WaitForWork()) break;
                Step();
            }
            catch (Exception e)
            {
                // A failed forward cannot be attributed to one sequence: fail the batch, keep serving. Their slots
                // may be half written, so they are freed rather than kept as prefixes.
                _logger.LogError(e, "engine step failed; failing {Count} running sequences", _running.Count);
                foreach (var sequence in _running.ToList()) Retire(sequence, e, keepPrefix: false);
            }
            Publish();
            EndStreams();
        }
        _incoming.Writer.TryComplete();
        while (_incoming.Reader.TryRead(out var never)) _waiting.AddLast(never);
        foreach (var sequence in _running.Concat(_waiting)) sequence.Complete(new OperationCanceledException("engine stopped"));
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
        _step++;
        var now = _clock.GetTimestamp();
        while (_incoming.Reader.TryRead(out var arrived))
        {
            arrived.EnqueuedAt = now;
            _waiting.AddLast(arrived);
        }
        RetireCancelled();
        ExpireWaiting(now);
        Admit(now);
        AdvanceFromCachedLogits();
        Publish();

        var plan = StepPlanner.Plan(_running, _options.MaxBatchTokens);
        if (plan.Count == 0) return;
        var started = Stopwatch.GetTimestamp();
        var rows = _runner.Run(plan);
        _forwards++;

        var sampled = new List<(Sequence Sequence, int Row)>(plan.Count);
        for (var i = 0; i < plan.Count; i++)
        {
            var chunk = plan[i];
            chunk.Sequence.CachedLength = chunk.Start + chunk.Length;
            if (!chunk.IsDecode)
            {
                _prefillTokens += chunk.Length;
                if (!chunk.Sequence.IsPrefilling) ModelRunner.ReleasePrefill(chunk.Sequence);
            }
            if (rows[i] < 0) continue;
            sampled.Add((chunk.Sequence, rows[i]));
            if (_options.EnablePrefixCaching && !chunk.IsDecode && chunk.Sequence.CachedLength == chunk.Sequence.Prompt.TokenIds.Count)
                chunk.Sequence.PromptLogits = _runner.LogitsRow(rows[i]).ToArray();
        }
        // Sampling is per sequence on its own logits and random stream, so running it in parallel changes nothing
        // but the wall time (a top-p sort over 32k logits per sequence adds up at 16 sequences).
        if (sampled.Count == 1) Advance(sampled[0].Sequence, _runner.LogitsRow(sampled[0].Row));
        else Parallel.ForEach(sampled, item => Advance(item.Sequence, _runner.LogitsRow(item.Row)));
        _generatedTokens += sampled.Count;

        foreach (var sequence in _running.Where(s => s.Finished).ToList())
            Retire(sequence, sequence.Failure, keepPrefix: sequence.Failure is null);
        _metrics.RecordStep(Stopwatch.GetElapsedTime(started), plan.Sum(c => c.Length));
    }

    /// <summary>
    /// Sequences admitted with their whole input cached, logits included, take their next token right away (and
    /// decode with everyone else in this same step).
    /// </summary>
    private void AdvanceFromCachedLogits()
    {
        foreach (var (sequence, logits) in _readyLogits)
        {
            Advance(sequence, logits);
            _generatedTokens++;
            if (sequence.Finished) Retire(sequence, sequence.Failure, keepPrefix: sequence.Failure is null);
        }
        _readyLogits.Clear();
    }

    /// <summary>
    /// Samples one sequence's next token. A failure here is that sequence's alone (its sampler, stop strings,
    /// detokenizer): it ends that stream, not the batch. Runs in parallel for the sequences of a step.
    /// </summary>
    private void Advance(Sequence sequence, ReadOnlySpan<float> logits)
    {
        try
        {
            _options.FaultInjector?.Invoke(EngineFaultPoint.Sampling, sequence.Parameters);
            sequence.Advance(logits);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "sampling failed for a sequence after {Generated} generated tokens", sequence.Generated.Count);
            sequence.Fail(e);
        }
    }

    private void Admit(long now)
    {
        var preempted = new List<Sequence>();
        while (_waiting.First is { } head)
        {
            var next = head.Value;
            var backlog = _running.Where(s => s.IsPrefilling).Sum(s => s.PrefillTarget - s.CachedLength);
            // Admitting more prompts than the next step can prefill would only hold slots and encode images early.
            if (backlog >= _options.MaxBatchTokens) break;
            if (!_prefixes.CanAllocate && !TryPreemptFor(next, now, preempted)) break;
            _waiting.RemoveFirst();
            Interlocked.Decrement(ref _queued);
            AdmitOne(next, now);
        }
        // Preempted sequences go back to the head of the queue, behind nobody that arrived after them.
        for (var i = preempted.Count - 1; i >= 0; i--)
        {
            preempted[i].EnqueuedAt = now;
            _waiting.AddFirst(preempted[i]);
            Interlocked.Increment(ref _queued);
        }
    }

    /// <summary>
    /// Gives the sequence a slot, with the longest cached prefix copied or adopted into it, and prepares its prefill.
    /// A failure here ends this request only (with its slot freed), never the queue behind it or the running batch.
    /// </summary>
    private void AdmitOne(Sequence sequence, long now)
    {
        try
        {
            _options.FaultInjector?.Invoke(EngineFaultPoint.Admission, sequence.Parameters);
            var target = sequence.TokenCount;
            var match = FindPrefix(sequence);
            sequence.Slot = match.FromCache ? _prefixes.Adopt(match.Slot) : _prefixes.AllocateSlot();
            if (!match.FromCache && match.Length > 0) _runner.CopyPrefix(match.Slot, sequence.Slot, match.Length);
            if (_options.EnablePrefixCaching)
            {
                if (match.Length > 0) _prefixes.RecordHit(match.Length);
                else _prefixes.RecordMiss();
            }

            sequence.CachedLength = match.Length;
            sequence.PrefillTarget = target;
            sequence.AdmittedAt = now;
            sequence.AdmittedStep = _step;
            if (!sequence.WasAdmitted)
            {
                _promptTokens += sequence.Prompt.TokenIds.Count;
                sequence.CachedPromptTokens = Math.Min(match.Length, sequence.Prompt.TokenIds.Count);
            }
            sequence.WasAdmitted = true;
            _running.Add(sequence);
            if (match.Logits is { } logits)
            {
                if (target == sequence.Prompt.TokenIds.Count) sequence.PromptLogits = logits;
                _readyLogits.Add((sequence, logits));
                return;
            }
            _runner.PreparePrefill(sequence);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "admitting a prompt of {Tokens} tokens failed", sequence.Prompt.TokenIds.Count);
            Retire(sequence, e, keepPrefix: false);
        }
    }

    /// <summary>
    /// The longest prefix of the sequence's keys already in a slot, from a cached prefix or a running sequence
    /// (whose computed positions are just as valid); shorter than <see cref="EngineOptions.PrefixCacheMinTokens"/>
    /// counts as none.
    /// </summary>
    private PrefixMatch FindPrefix(Sequence sequence)
    {
        if (!_options.EnablePrefixCaching) return PrefixMatch.None;
        var running = _running.Select(other => new PrefixSource(
            other.Slot, other.CachedLength, other.KeyAt, IsCached: false, other.Prompt.TokenIds.Count, other.PromptLogits));
        var best = PrefixMatch.Longest(sequence.KeyAt, sequence.TokenCount, _prefixes.Sources.Concat(running));
        return best.Length >= _options.PrefixCacheMinTokens ? best : PrefixMatch.None;
    }

    /// <summary>
    /// Frees a slot for <paramref name="waiting"/> if it has waited at least <see cref="EngineOptions.PreemptAfter"/>:
    /// the sequence admitted longest ago (and at least that long, in an earlier step) loses its slot. Its computed
    /// positions are offered as a cached prefix, which the request taking the slot adopts if they share a prefix;
    /// otherwise the victim is recomputed in full when it is admitted again.
    /// </summary>
    private bool TryPreemptFor(Sequence waiting, long now, List<Sequence> preempted)
    {
        if (_options.PreemptAfter is not { } age || _clock.GetElapsedTime(waiting.EnqueuedAt, now) < age) return false;
        var victim = _running
            .Where(s => s.AdmittedStep < _step && _clock.GetElapsedTime(s.AdmittedAt, now) >= age)
            .OrderBy(s => s.AdmittedAt).ThenByDescending(s => s.Generated.Count)
            .FirstOrDefault();
        if (victim is null) return false;

        _running.Remove(victim);
        ModelRunner.ReleasePrefill(victim);
        _prefixes.Release(victim.Slot, _options.EnablePrefixCaching ? victim.Keys(victim.CachedLength) : [],
            victim.Prompt.TokenIds.Count, victim.PromptLogits);
        victim.Slot = -1;
        victim.CachedLength = 0;
        preempted.Add(victim);
        _preemptions++;
        _logger.LogDebug("preempted a sequence after {Generated} generated tokens for a request waiting since {Waited}",
            victim.Generated.Count, _clock.GetElapsedTime(waiting.EnqueuedAt, now));
        return true;
    }

    private void RetireCancelled()
    {
        foreach (var sequence in _running.Where(s => s.IsCancelled).ToList()) Retire(sequence, new OperationCanceledException(), keepPrefix: true);
        RemoveWaiting(s => s.IsCancelled, _ => new OperationCanceledException());
    }

    private void ExpireWaiting(long now)
    {
        if (_options.QueueTimeout is not { } timeout) return;
        var expired = RemoveWaiting(
            s => !s.WasAdmitted && _clock.GetElapsedTime(s.EnqueuedAt, now) >= timeout,
            _ => new EngineTimeoutException(
                $"The request waited {timeout.TotalSeconds:0.###} s without being scheduled; the server is overloaded, retry later."));
        _queueTimeouts += expired;
    }

    private int RemoveWaiting(Func<Sequence, bool> predicate, Func<Sequence, Exception> error)
    {
        var removed = 0;
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (predicate(node.Value))
            {
                _waiting.Remove(node);
                Interlocked.Decrement(ref _queued);
                _endedStreams.Add((node.Value, error(node.Value)));
                removed++;
            }
            node = next;
        }
        return removed;
    }

    /// <summary>
    /// Takes a sequence out of the running set and returns its slot (with <paramref name="keepPrefix"/> its computed
    /// positions stay cached); its stream ends after the next stats snapshot.
    /// </summary>
    private void Retire(Sequence sequence, Exception? error, bool keepPrefix)
    {
        _endedStreams.Add((sequence, error));
        _running.Remove(sequence);
        ModelRunner.ReleasePrefill(sequence);
        if (sequence.Slot < 0) return;
        var keys = keepPrefix && _options.EnablePrefixCaching ? sequence.Keys(sequence.CachedLength) : [];
        _prefixes.Release(sequence.Slot, keys, sequence.Prompt.TokenIds.Count, sequence.PromptLogits);
        sequence.Slot = -1;
    }

    private void EndStreams()
    {
        foreach (var (sequence, error) in _endedStreams) sequence.Complete(error);
        _endedStreams.Clear();
    }

    private void Publish()
    {
        Volatile.Write(ref _runningCount, _running.Count);
        Volatile.Write(ref _liveTensors, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Volatile.Write(ref _stats, Snapshot());
    }

    private EngineStats Snapshot() => new()
    {
        RunningSequences = _running.Count,
        WaitingRequests = Volatile.Read(ref _queued),
        KvCacheSlotsTotal = _cache.NumSlots,
        KvCacheSlotsUsed = _running.Count,
        KvCacheSlotsCached = _prefixes.Count,
        KvCacheTokensCapacity = (long)_cache.NumSlots * _cache.Capacity,
        KvCacheTokensUsed = _running.Sum(s => (long)s.CachedLength),
        KvCacheTokensCached = _prefixes.Tokens,
        ImageCacheHits = _images.Hits,
        ImageCacheMisses = _images.Misses,
        ImageCacheEntries = _images.Count,
        ImageCacheBytes = _images.Bytes,
        ImageCacheCapacityBytes = _images.CapacityBytes,
        PrefixCacheHits = _prefixes.Hits,
        PrefixCacheMisses = _prefixes.Misses,
        PrefixCacheReusedTokens = _prefixes.ReusedTokens,
        Preemptions = _preemptions,
        QueueTimeouts = _queueTimeouts,
        PromptTokens = _promptTokens,
        PrefillTokens = _prefillTokens,
        GeneratedTokens = _generatedTokens,
        Steps = _forwards,
    };

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _metrics.Dispose();
        foreach (var sequence in _running.Concat(_waiting)) ModelRunner.ReleasePrefill(sequence);
        _images.Dispose();
    }
}
