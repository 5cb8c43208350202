using System.Threading.Channels;
using Llava.Engine.Caching;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.Engine.Scheduling;
using Llava.Engine.Tests.Tokenization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>A clock that moves only when told to, and counts how often it is read.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;

    public int Reads { get; private set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        Reads++;
        return _ticks;
    }

    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}

/// <summary>
/// Slot numbers without tensors behind them; taking a taken slot, freeing a free one or copying between slots that
/// are not both taken throws.
/// </summary>
internal sealed class FakeSlots(int slots, int capacity) : ISlotPool
{
    private readonly SortedSet<int> _free = new(Enumerable.Range(0, slots));

    public int NumSlots => slots;
    public int Capacity => capacity;
    public int FreeSlots => _free.Count;

    public int AllocateSlot()
    {
        if (_free.Count == 0) throw new InvalidOperationException("no free slot");
        var slot = _free.Min;
        _free.Remove(slot);
        Log.Add($"allocate {slot}");
        return slot;
    }

    public void FreeSlot(int slot)
    {
        if (!_free.Add(slot)) throw new InvalidOperationException($"slot {slot} is already free");
        Log.Add($"free {slot}");
    }

    public void CopyPrefix(int source, int destination, int length)
    {
        if (_free.Contains(source) || _free.Contains(destination) || source == destination)
            throw new InvalidOperationException($"cannot copy {length} positions from slot {source} to slot {destination}");
        Copies.Add((source, destination, length));
        Log.Add($"copy {source} to {destination}");
    }

    public List<(int Source, int Destination, int Length)> Copies { get; } = [];

    /// <summary>Every allocation, free and copy, in order.</summary>
    public List<string> Log { get; } = [];
}

/// <summary>
/// The <see cref="Scheduler"/> driven the way <see cref="EngineCore"/> drives it, with the model replaced by a
/// stand-in that "samples" <see cref="SampledToken"/> for every row that produces logits: scheduling decisions are
/// checked step by step without tensors, and time passes only when a test advances <see cref="Clock"/>.
/// </summary>
internal sealed class SchedulerHarness
{
    public const int SampledToken = 7;
    private const int ImageTokenId = -1;
    private int _nextPromptToken = 1000;

    public SchedulerHarness(int slots, int tokenBudget, TimeSpan? preemptAfter = null, TimeSpan? queueTimeout = null,
        int maxWaiting = 64)
    {
        Slots = new FakeSlots(slots, capacity: 1024);
        Options = new EngineOptions
        {
            ModelPath = "unused",
            MaxRunningSequences = slots,
            MaxBatchTokens = tokenBudget,
            MaxWaitingRequests = maxWaiting,
            PreemptAfter = preemptAfter,
            QueueTimeout = queueTimeout,
            PrefixCacheMinTokens = 4,
            TimeProvider = Clock,
        };
        Scheduler = new Scheduler(Slots, Options, NullLogger.Instance);
    }

    public ManualClock Clock { get; } = new();
    public FakeSlots Slots { get; }
    public EngineOptions Options { get; }
    public Scheduler Scheduler { get; }

    /// <summary>Every sequence retired so far, with the error its stream ends with.</summary>
    public List<(Sequence Sequence, Exception? Error)> Retired { get; } = [];

    /// <summary>Token ids no other prompt of this harness uses, so prompts share no prefix unless a test builds one.</summary>
    public int[] FreshTokens(int count)
    {
        var first = _nextPromptToken;
        _nextPromptToken += count;
        return Enumerable.Range(first, count).ToArray();
    }

    public Sequence Submit(int promptLength, int maxTokens) => Submit(FreshTokens(promptLength), maxTokens);

    /// <summary>Queues a request as <see cref="EngineCore.TrySubmit"/> does (the place must be free).</summary>
    public Sequence Submit(int[] promptTokens, int maxTokens)
    {
        var prompt = new PreparedPrompt("", promptTokens, []);
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };
        var output = new SequenceOutput(TokenizerFixtures.Tokenizer.CreateStreamingDetokenizer(), parameters, [],
            maxModelLength: 1024, Channel.CreateUnbounded<GenerationEvent>().Writer);
        var sequence = new Sequence(prompt, PromptIdentity.For(prompt, ImageTokenId), parameters, constraint: null, output);
        Assert.True(Scheduler.TryReserveQueuePlace(), "the queue is full");
        Scheduler.Add(sequence);
        return sequence;
    }

    /// <summary>One engine step: schedule, sample what the plan produces, update.</summary>
    public StepPlan Step()
    {
        var plan = Scheduler.Schedule();
        var fromCache = plan.Admitted.Where(a => a.Match.Logits is not null).Select(a => a.Sequence).ToList();
        foreach (var sequence in fromCache) Sample(sequence);
        plan = Scheduler.Reschedule(plan, fromCache);
        foreach (var chunk in plan.Chunks.Where(c => c.KeepsPromptLogits)) chunk.Sequence.PromptLogits = [chunk.Start + chunk.Length];
        var sampled = plan.Chunks.Where(c => c.ProducesToken).Select(c => c.Sequence).ToList();
        foreach (var sequence in sampled) Sample(sequence);
        Scheduler.Update(plan, sampled);
        Retired.AddRange(Scheduler.TakeRetired());
        return plan;
    }

    /// <summary>Steps with the clock one second further each time until nothing is queued or running.</summary>
    public List<StepPlan> RunToCompletion(int maxSteps = 1000)
    {
        var plans = new List<StepPlan>();
        while (Scheduler.HasWork)
        {
            Assert.True(plans.Count < maxSteps, $"still busy after {maxSteps} steps");
            Clock.Advance(TimeSpan.FromSeconds(1));
            plans.Add(Step());
        }
        return plans;
    }

    private static void Sample(Sequence sequence)
    {
        sequence.Accept(SampledToken);
        if (sequence.Output.Emit(sequence, null)) sequence.Finish();
    }
}
