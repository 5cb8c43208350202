using Llava.Engine.Caching;
using Llava.Engine.Generation;
using Microsoft.Extensions.Logging;

namespace Llava.Engine.Scheduling;

/// <summary>
/// Decides what each engine step computes, as vLLM's scheduler does for its engine core: it keeps the bounded FIFO
/// queue and the running set, fails queued requests past their deadline, admits from the head of the queue while a
/// slot can be had (reusing the longest cached or running prefix, preempting the longest-running sequence for a
/// request that has waited too long), and plans one token for every decoding sequence plus prefill chunks up to the
/// token budget (<see cref="Schedule"/>). After the forward, <see cref="Update"/> advances the slots' lengths and
/// retires finished sequences. It never touches a tensor: slots are numbers from an <see cref="ISlotPool"/>, so
/// the policy runs without a model. Only the engine thread calls it, except the queue-room members
/// (<see cref="TryReserveQueuePlace"/>, <see cref="ReleaseQueuePlace"/>, <see cref="HasQueueRoom"/>,
/// <see cref="WaitingCount"/>), which request threads use. Design: docs/scheduler.md.
/// </summary>
internal sealed class Scheduler
{
    private readonly ISlotPool _slots;
    private readonly EngineOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly List<Sequence> _arrived = [];
    private readonly LinkedList<Sequence> _waiting = new();
    private readonly List<Sequence> _running = [];
    private readonly List<(Sequence Sequence, Exception? Error)> _retired = [];
    private int _queued;
    private long _step;

    public Scheduler(ISlotPool slots, EngineOptions options, ILogger logger)
    {
        _options = options;
        _clock = options.TimeProvider;
        _logger = logger;
        _slots = slots;
        Prefixes = new PrefixCache(slots, options.PrefixCacheMaxSlots ?? slots.NumSlots);
    }

    /// <summary>Slots of finished and preempted sequences kept as reusable prefixes.</summary>
    public PrefixCache Prefixes { get; }

    /// <summary>Sequences queued or arrived and not yet admitted, preempted ones included. Any thread.</summary>
    public int WaitingCount => Volatile.Read(ref _queued);

    /// <summary>Admitted sequences holding a slot, in admission order.</summary>
    public IReadOnlyList<Sequence> Running => _running;

    /// <summary>Positions the running sequences' slots hold.</summary>
    public long RunningTokens => _running.Sum(sequence => (long)sequence.CachedLength);

    /// <summary>Something is queued or running: the engine has a step to take.</summary>
    public bool HasWork => _running.Count > 0 || _waiting.Count > 0 || _arrived.Count > 0;

    public long Preemptions { get; private set; }
    public long QueueTimeouts { get; private set; }

    /// <summary>Prompt tokens of admitted requests (counted at the first admission).</summary>
    public long PromptTokens { get; private set; }

    /// <summary>Positions computed as prefill, recomputation after preemption included.</summary>
    public long PrefillTokens { get; private set; }

    public long GeneratedTokens { get; private set; }

    /// <summary>Whether <paramref name="sequences"/> more would fit in the queue right now. Any thread.</summary>
    public bool HasQueueRoom(int sequences) => Volatile.Read(ref _queued) + sequences <= _options.MaxWaitingRequests;

    /// <summary>
    /// Claims a place in the queue for a request about to be handed to <see cref="Add"/>; false when
    /// <c>MaxWaitingRequests</c> are already queued (the caller answers 429). Any thread.
    /// </summary>
    public bool TryReserveQueuePlace()
    {
        if (Interlocked.Increment(ref _queued) <= _options.MaxWaitingRequests) return true;
        Interlocked.Decrement(ref _queued);
        return false;
    }

    /// <summary>Gives back a place claimed by <see cref="TryReserveQueuePlace"/> whose request never arrived. Any thread.</summary>
    public void ReleaseQueuePlace() => Interlocked.Decrement(ref _queued);

    /// <summary>
    /// Queues a sequence whose place was reserved with <see cref="TryReserveQueuePlace"/>; it is stamped as
    /// enqueued at the next <see cref="Schedule"/>.
    /// </summary>
    public void Add(Sequence sequence) => _arrived.Add(sequence);

    /// <summary>
    /// Plans the next step: queues the arrivals, retires cancelled sequences, fails queued requests past their
    /// deadline, admits (and preempts) and plans the chunks. Reads the clock once.
    /// </summary>
    public StepPlan Schedule()
    {
        _step++;
        var now = _clock.GetTimestamp();
        foreach (var arrived in _arrived)
        {
            arrived.EnqueuedAt = now;
            _waiting.AddLast(arrived);
        }
        _arrived.Clear();
        RetireCancelled();
        ExpireWaiting(now);
        var preempted = new List<Sequence>();
        var admitted = Admit(now, preempted);
        return new StepPlan(_step, admitted, preempted, PlanChunks(), _options.MaxBatchTokens);
    }

    /// <summary>
    /// Plans <paramref name="plan"/>'s chunks again after the engine acted on its admissions: sequences that
    /// finished since (an admission whose preparation failed, one that sampled its first token from cached logits
    /// and stopped) are retired first, so their share of the budget goes to the others.
    /// </summary>
    /// <param name="sampled">Sequences that took a token from cached logits.</param>
    public StepPlan Reschedule(StepPlan plan, IReadOnlyCollection<Sequence> sampled)
    {
        GeneratedTokens += sampled.Count;
        RetireFinished();
        return plan.Chunks.All(chunk => chunk.Sequence.Status == SequenceStatus.Running) ? plan : plan with { Chunks = PlanChunks() };
    }

    /// <summary>
    /// Takes the results of <paramref name="plan"/>'s forward: every chunk's positions are now in its slot, the
    /// <paramref name="sampled"/> sequences took a token, and sequences that finished or failed are retired (their
    /// slots kept as cached prefixes unless they failed).
    /// </summary>
    public void Update(StepPlan plan, IReadOnlyCollection<Sequence> sampled)
    {
        foreach (var chunk in plan.Chunks)
        {
            chunk.Sequence.CachedLength = chunk.Start + chunk.Length;
            if (!chunk.IsDecode) PrefillTokens += chunk.Length;
        }
        GeneratedTokens += sampled.Count;
        RetireFinished();
    }

    /// <summary>Retires one running sequence whose preparation failed; its slot may be half written, so it is freed.</summary>
    public void Abort(Sequence sequence, Exception error) => Retire(sequence, error, keepPrefix: false);

    /// <summary>
    /// Retires every running sequence after a forward that failed (which cannot be pinned on one of them); their
    /// slots may be half written, so they are freed rather than kept as prefixes.
    /// </summary>
    public void FailRunning(Exception error)
    {
        foreach (var sequence in _running.ToList()) Retire(sequence, error, keepPrefix: false);
    }

    /// <summary>
    /// The sequences retired since the last call, with the error their stream ends with (null: it ended normally).
    /// The engine frees what it holds for them and ends their streams once the stats are published.
    /// </summary>
    public List<(Sequence Sequence, Exception? Error)> TakeRetired()
    {
        var retired = _retired.ToList();
        _retired.Clear();
        return retired;
    }

    /// <summary>Takes every sequence still queued or running out of the scheduler, for the engine's shutdown.</summary>
    public List<Sequence> TakeAll()
    {
        var all = _running.Concat(_waiting).Concat(_arrived).ToList();
        _running.Clear();
        _waiting.Clear();
        _arrived.Clear();
        return all;
    }

    private List<Admission> Admit(long now, List<Sequence> preempted)
    {
        var admitted = new List<Admission>();
        while (_waiting.First is { } head)
        {
            var next = head.Value;
            var backlog = _running.Where(s => s.IsPrefilling).Sum(s => s.PrefillTarget - s.CachedLength);
            // Admitting more prompts than the next step can prefill would only hold slots and encode images early.
            if (backlog >= _options.MaxBatchTokens) break;
            if (!Prefixes.CanAllocate && !TryPreemptFor(next, now, preempted)) break;
            _waiting.RemoveFirst();
            Interlocked.Decrement(ref _queued);
            if (AdmitOne(next, now) is { } admission) admitted.Add(admission);
        }
        // Preempted sequences go back to the head of the queue, behind nobody that arrived after them.
        for (var i = preempted.Count - 1; i >= 0; i--)
        {
            preempted[i].EnqueuedAt = now;
            _waiting.AddFirst(preempted[i]);
            Interlocked.Increment(ref _queued);
        }
        return admitted;
    }

    /// <summary>
    /// Gives the sequence a slot, with the longest cached prefix adopted into it or copied from a running sequence.
    /// A failure here ends this request only (with its slot freed), never the queue behind it
    /// or the running batch.
    /// </summary>
    private Admission? AdmitOne(Sequence sequence, long now)
    {
        try
        {
            _options.FaultInjector?.Invoke(EngineFaultPoint.Admission, sequence.Parameters);
            var target = sequence.TokenCount;
            var match = FindPrefix(sequence);
            var admission = new Admission(sequence, match);
            sequence.Slot = match.FromCache ? Prefixes.Adopt(match.Slot) : Prefixes.AllocateSlot();
            if (admission.CopiesPrefix) _slots.CopyPrefix(match.Slot, sequence.Slot, match.Length);
            if (_options.EnablePrefixCaching)
            {
                if (match.Length > 0) Prefixes.RecordHit(match.Length);
                else Prefixes.RecordMiss();
            }

            sequence.CachedLength = match.Length;
            sequence.PrefillTarget = target;
            sequence.AdmittedAt = now;
            sequence.AdmittedStep = _step;
            if (!sequence.WasAdmitted)
            {
                PromptTokens += sequence.Prompt.TokenIds.Count;
                sequence.CachedPromptTokens = Math.Min(match.Length, sequence.Prompt.TokenIds.Count);
            }
            sequence.WasAdmitted = true;
            sequence.Status = SequenceStatus.Running;
            _running.Add(sequence);
            if (match.Logits is { } logits && target == sequence.Prompt.TokenIds.Count) sequence.PromptLogits = logits;
            return admission;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "admitting a prompt of {Tokens} tokens failed", sequence.Prompt.TokenIds.Count);
            Retire(sequence, e, keepPrefix: false);
            return null;
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
        var best = PrefixMatch.Longest(sequence.KeyAt, sequence.TokenCount, Prefixes.Sources.Concat(running));
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
        Prefixes.Release(victim.Slot, _options.EnablePrefixCaching ? victim.Keys(victim.CachedLength) : [],
            victim.Prompt.TokenIds.Count, victim.PromptLogits);
        victim.Slot = -1;
        victim.CachedLength = 0;
        victim.Status = SequenceStatus.Waiting;
        preempted.Add(victim);
        Preemptions++;
        _logger.LogDebug("preempted a sequence after {Generated} generated tokens for a request waiting since {Waited}",
            victim.Generated.Count, _clock.GetElapsedTime(waiting.EnqueuedAt, now));
        return true;
    }

    /// <summary>
    /// Every decoding sequence advances by one token, so running streams keep flowing; the rest of the token
    /// budget goes to prefill chunks, oldest admission first, so a long prompt is split over several steps instead
    /// of stalling everyone behind it.
    /// </summary>
    private List<PlannedChunk> PlanChunks()
    {
        var plan = new List<PlannedChunk>(_running.Count);
        foreach (var sequence in _running)
        {
            if (!sequence.IsPrefilling) plan.Add(new PlannedChunk(sequence, sequence.CachedLength, 1, IsDecode: true));
        }
        var left = _options.MaxBatchTokens - plan.Count;
        foreach (var sequence in _running)
        {
            if (left <= 0) break;
            if (!sequence.IsPrefilling) continue;
            var length = Math.Min(sequence.PrefillTarget - sequence.CachedLength, left);
            var end = sequence.CachedLength + length;
            var keepsLogits = _options.EnablePrefixCaching && end == sequence.PrefillTarget && end == sequence.Prompt.TokenIds.Count;
            plan.Add(new PlannedChunk(sequence, sequence.CachedLength, length, IsDecode: false, keepsLogits));
            left -= length;
        }
        return plan;
    }

    private void RetireFinished()
    {
        foreach (var sequence in _running.Where(s => s.Finished).ToList())
            Retire(sequence, sequence.Failure, keepPrefix: sequence.Failure is null);
    }

    private void RetireCancelled()
    {
        foreach (var sequence in _running.Where(s => s.IsCancelled).ToList()) Retire(sequence, new OperationCanceledException(), keepPrefix: true);
        RemoveWaiting(s => s.IsCancelled, _ => new OperationCanceledException());
    }

    private void ExpireWaiting(long now)
    {
        if (_options.QueueTimeout is not { } timeout) return;
        QueueTimeouts += RemoveWaiting(
            s => !s.WasAdmitted && _clock.GetElapsedTime(s.EnqueuedAt, now) >= timeout,
            _ => new EngineTimeoutException(
                $"The request waited {timeout.TotalSeconds:0.###} s without being scheduled; the server is overloaded, retry later."));
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
                node.Value.Status = SequenceStatus.Retired;
                _retired.Add((node.Value, error(node.Value)));
                removed++;
            }
            node = next;
        }
        return removed;
    }

    /// <summary>
    /// Takes a sequence out of the running set and returns its slot (with <paramref name="keepPrefix"/> its computed
    /// positions stay cached).
    /// </summary>
    private void Retire(Sequence sequence, Exception? error, bool keepPrefix)
    {
        _retired.Add((sequence, error));
        _running.Remove(sequence);
        sequence.Status = SequenceStatus.Retired;
        if (sequence.Slot < 0) return;
        var keys = keepPrefix && _options.EnablePrefixCaching ? sequence.Keys(sequence.CachedLength) : [];
        Prefixes.Release(sequence.Slot, keys, sequence.Prompt.TokenIds.Count, sequence.PromptLogits);
        sequence.Slot = -1;
    }
}
