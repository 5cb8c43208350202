using Llava.Engine.Generation;
using Llava.Engine.Scheduling;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>
/// The scheduling policy on its own, without a model: admission order and capacity, the token budget and chunk
/// sizes, preemption, queue deadlines, the prefix lookup. <see cref="SchedulerHarness"/> drives the scheduler as
/// the engine does; time moves only when a test moves it.
/// </summary>
public class SchedulerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void AdmitsInArrivalOrderAsSlotsFree()
    {
        var harness = new SchedulerHarness(slots: 2, tokenBudget: 64);
        var sequences = Enumerable.Range(0, 4).Select(_ => harness.Submit(promptLength: 10, maxTokens: 3)).ToList();

        var plans = harness.RunToCompletion();

        Assert.Equal(sequences, plans.SelectMany(p => p.Admitted).Select(a => a.Sequence));
        Assert.Equal([2, 0, 0, 2, 0, 0], plans.Select(p => p.Admitted.Count));
        Assert.Equal(sequences, harness.Retired.Select(r => r.Sequence));
        Assert.All(harness.Retired, r => Assert.Null(r.Error));
        Assert.All(sequences, s => Assert.Equal(3, s.Generated.Count));
        Assert.Equal(0, harness.Scheduler.WaitingCount);
    }

    [Fact]
    public void ALongPromptIsNotOvertakenByShortOnesArrivingAfterIt()
    {
        var harness = new SchedulerHarness(slots: 4, tokenBudget: 32);
        var longPrompt = harness.Submit(promptLength: 100, maxTokens: 4);
        var shorts = new List<Sequence>();
        var firstTokenStep = new Dictionary<Sequence, int>();
        for (var step = 1; step <= 8; step++)
        {
            // A short request arrives every step, before and during the long prompt's prefill.
            shorts.Add(harness.Submit(promptLength: 8, maxTokens: 4));
            var plan = harness.Step();
            if (step <= 4)
            {
                // Oldest admission first: the long prompt's chunk leads the prefill part of every step.
                Assert.Same(longPrompt, plan.Chunks.First(c => !c.IsDecode).Sequence);
            }
            foreach (var chunk in plan.Chunks.Where(c => c.ProducesToken)) firstTokenStep.TryAdd(chunk.Sequence, step);
        }

        Assert.Equal(4, firstTokenStep[longPrompt]); // ceil(100 / 32) steps of prefill
        Assert.All(shorts.Where(firstTokenStep.ContainsKey), s => Assert.True(firstTokenStep[s] >= firstTokenStep[longPrompt]));
        // FIFO among the short ones too.
        var order = shorts.Where(firstTokenStep.ContainsKey).Select(s => firstTokenStep[s]).ToList();
        Assert.Equal(order.Order(), order);
        Assert.NotEmpty(order);
    }

    [Fact]
    public void DecodeRowsComeFirstAndPrefillFillsTheRestOfTheBudget()
    {
        var harness = new SchedulerHarness(slots: 4, tokenBudget: 16);
        var decoding = Enumerable.Range(0, 3).Select(_ => harness.Submit(promptLength: 4, maxTokens: 50)).ToList();
        var first = harness.Step();
        Assert.Equal(decoding, first.Chunks.Select(c => c.Sequence));
        Assert.All(first.Chunks, c => Assert.Equal((0, 4, false), (c.Start, c.Length, c.IsDecode)));

        var longPrompt = harness.Submit(promptLength: 40, maxTokens: 50);
        var prefillChunks = new List<(int Start, int Length)>();
        for (var step = 0; step < 4; step++)
        {
            var plan = harness.Step();
            Assert.Equal(16, plan.TokenBudget);
            Assert.True(plan.TokenCount <= plan.TokenBudget, $"{plan.TokenCount} tokens planned");
            Assert.Equal(decoding, plan.Chunks.Take(3).Select(c => c.Sequence));
            Assert.All(plan.Chunks.Take(3), c => Assert.True(c.IsDecode && c.Length == 1 && c.Start == c.Sequence.TokenCount - 2));
            prefillChunks.AddRange(plan.Chunks.Skip(3).Select(c => (c.Start, c.Length)));
            Assert.All(plan.Chunks.Skip(3), c => Assert.Same(longPrompt, c.Sequence));
        }

        Assert.Equal([(0, 13), (13, 13), (26, 13), (39, 1)], prefillChunks);
        Assert.Single(longPrompt.Generated);
        Assert.Equal(3 * 4 + 40, harness.Scheduler.PrefillTokens);
    }

    [Fact]
    public void AdmissionWaitsWhileThePrefillBacklogFillsAStep()
    {
        var harness = new SchedulerHarness(slots: 4, tokenBudget: 16);
        harness.Submit(promptLength: 40, maxTokens: 2);
        var next = harness.Submit(promptLength: 4, maxTokens: 2);

        Assert.Single(harness.Step().Admitted); // backlog 40 after the first admission
        Assert.Empty(harness.Step().Admitted); // 24 left
        var third = harness.Step(); // 8 left: below the budget, so the next prompt is admitted
        Assert.Equal([next], third.Admitted.Select(a => a.Sequence));
    }

    [Fact]
    public void APreemptedSequenceResumesWithItsPromptAndGeneratedTokensRecomputed()
    {
        var harness = new SchedulerHarness(slots: 1, tokenBudget: 64, preemptAfter: TimeSpan.FromSeconds(3));
        var first = harness.Submit(promptLength: 10, maxTokens: 20);
        var second = harness.Submit(promptLength: 12, maxTokens: 2);

        var plans = harness.RunToCompletion();

        // t = 1: first admitted, second waits; t = 4: second has waited 3 s and first has run 3 s.
        Assert.Equal([first], plans[0].Admitted.Select(a => a.Sequence));
        Assert.All(plans.Take(3), p => Assert.Empty(p.Preempted));
        Assert.Equal([first], plans[3].Preempted);
        Assert.Equal([second], plans[3].Admitted.Select(a => a.Sequence));
        // Second finishes at t = 5; first comes back at t = 6 and recomputes its prompt plus its 3 tokens.
        Assert.Equal([first], plans[5].Admitted.Select(a => a.Sequence));
        var resume = Assert.Single(plans[5].Chunks);
        Assert.Equal((0, 10 + 3, false, true), (resume.Start, resume.Length, resume.IsDecode, resume.ProducesToken));

        Assert.Equal(1, harness.Scheduler.Preemptions);
        Assert.Equal(20, first.Generated.Count);
        Assert.Equal(2, second.Generated.Count);
        Assert.Equal([second, first], harness.Retired.Select(r => r.Sequence));
        Assert.Equal(10 + 12 + 13, harness.Scheduler.PrefillTokens);
        Assert.Equal(20 + 2, harness.Scheduler.GeneratedTokens);
    }

    [Fact]
    public void ThePreemptionVictimIsTheSequenceAdmittedLongestAgo()
    {
        var harness = new SchedulerHarness(slots: 2, tokenBudget: 64, preemptAfter: TimeSpan.FromSeconds(3));
        harness.Clock.Advance(Second);
        var oldest = harness.Submit(promptLength: 8, maxTokens: 100);
        harness.Step();
        harness.Clock.Advance(Second);
        var younger = harness.Submit(promptLength: 8, maxTokens: 100);
        harness.Step();
        harness.Clock.Advance(Second);
        var waiting = harness.Submit(promptLength: 8, maxTokens: 100);
        harness.Step();

        var preempted = new List<Sequence>();
        for (var waited = 1; waited <= 3; waited++)
        {
            harness.Clock.Advance(Second);
            var plan = harness.Step();
            preempted.AddRange(plan.Preempted);
            if (waited < 3) Assert.Empty(plan.Preempted);
        }

        Assert.Equal([oldest], preempted);
        Assert.Equal(SequenceStatus.Waiting, oldest.Status);
        Assert.Equal(-1, oldest.Slot);
        Assert.Equal(SequenceStatus.Running, waiting.Status);
        Assert.Equal(SequenceStatus.Running, younger.Status);
        Assert.Equal(1, harness.Scheduler.WaitingCount);
    }

    [Fact]
    public void WithoutPreemptionAFullEngineKeepsRequestsQueued()
    {
        var harness = new SchedulerHarness(slots: 1, tokenBudget: 64);
        var running = harness.Submit(promptLength: 8, maxTokens: 50);
        var queued = harness.Submit(promptLength: 8, maxTokens: 5);
        for (var step = 0; step < 20; step++)
        {
            harness.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Empty(harness.Step().Preempted);
        }
        Assert.Equal(SequenceStatus.Running, running.Status);
        Assert.Equal(SequenceStatus.Waiting, queued.Status);
    }

    [Fact]
    public void AQueuedRequestPastItsDeadlineFailsWithoutWaitingOnTheWallClock()
    {
        var harness = new SchedulerHarness(slots: 1, tokenBudget: 64, queueTimeout: TimeSpan.FromSeconds(5));
        harness.Submit(promptLength: 8, maxTokens: 100);
        harness.Step();
        var late = harness.Submit(promptLength: 8, maxTokens: 4);
        harness.Step(); // late is stamped as enqueued here

        harness.Clock.Advance(TimeSpan.FromSeconds(4.9));
        harness.Step();
        Assert.Empty(harness.Retired);
        Assert.Equal(1, harness.Scheduler.WaitingCount);

        harness.Clock.Advance(TimeSpan.FromSeconds(0.1));
        var plan = harness.Step();

        var (sequence, error) = Assert.Single(harness.Retired);
        Assert.Same(late, sequence);
        Assert.IsType<EngineTimeoutException>(error);
        Assert.Empty(plan.Admitted);
        Assert.Equal(SequenceStatus.Retired, late.Status);
        Assert.Empty(late.Generated);
        Assert.Equal(1, harness.Scheduler.QueueTimeouts);
        Assert.Equal(0, harness.Scheduler.WaitingCount);
    }

    [Fact]
    public void ScheduleReadsTheClockOncePerStep()
    {
        var harness = new SchedulerHarness(slots: 2, tokenBudget: 64, preemptAfter: Second, queueTimeout: Second);
        harness.Submit(promptLength: 8, maxTokens: 3);
        harness.Submit(promptLength: 8, maxTokens: 3);
        harness.Submit(promptLength: 8, maxTokens: 3);

        var plans = harness.RunToCompletion();

        Assert.Equal(plans.Count, harness.Clock.Reads);
    }

    [Fact]
    public void AFullQueueRefusesAndAdmissionMakesRoom()
    {
        var harness = new SchedulerHarness(slots: 1, tokenBudget: 64, maxWaiting: 2);
        harness.Submit(promptLength: 8, maxTokens: 3);
        harness.Submit(promptLength: 8, maxTokens: 3);

        Assert.False(harness.Scheduler.HasQueueRoom(1));
        Assert.False(harness.Scheduler.TryReserveQueuePlace());
        Assert.Equal(2, harness.Scheduler.WaitingCount);

        harness.Step();
        Assert.Equal(1, harness.Scheduler.WaitingCount);
        Assert.True(harness.Scheduler.HasQueueRoom(1));
        Assert.False(harness.Scheduler.HasQueueRoom(2));
    }

    [Fact]
    public void ACachedPrefixIsAdoptedAndOnlyTheRestIsPrefilled()
    {
        var harness = new SchedulerHarness(slots: 2, tokenBudget: 64);
        var shared = harness.FreshTokens(20);
        harness.Submit(shared, maxTokens: 2);
        harness.RunToCompletion();
        var prefillBefore = harness.Scheduler.PrefillTokens;

        var longer = harness.Submit([.. shared, .. harness.FreshTokens(10)], maxTokens: 2);
        var plan = harness.Step();

        var admission = Assert.Single(plan.Admitted);
        Assert.True(admission.Match.FromCache);
        Assert.False(admission.CopiesPrefix);
        Assert.Empty(harness.Slots.Copies);
        Assert.Equal(20, admission.Match.Length);
        var chunk = Assert.Single(plan.Chunks);
        Assert.Equal((20, 10), (chunk.Start, chunk.Length));
        Assert.Equal(prefillBefore + 10, harness.Scheduler.PrefillTokens);
        Assert.Equal(1, harness.Scheduler.Prefixes.Hits);
        Assert.Equal(20, harness.Scheduler.Prefixes.ReusedTokens);
        Assert.Equal(20, longer.CachedPromptTokens);
    }

    [Fact]
    public void ARepeatedPromptSamplesFromItsCachedLogitsAndOnlyDecodes()
    {
        var harness = new SchedulerHarness(slots: 2, tokenBudget: 64);
        var prompt = harness.FreshTokens(20);
        harness.Submit(prompt, maxTokens: 2);
        harness.RunToCompletion();
        var prefillBefore = harness.Scheduler.PrefillTokens;

        var repeat = harness.Submit(prompt, maxTokens: 3);
        var plan = harness.Step();

        Assert.NotNull(Assert.Single(plan.Admitted).Match.Logits);
        var chunk = Assert.Single(plan.Chunks);
        Assert.True(chunk.IsDecode);
        Assert.Equal(20, chunk.Start);
        Assert.Equal(2, repeat.Generated.Count); // one from the cached logits, one from this step's decode
        Assert.Equal(prefillBefore, harness.Scheduler.PrefillTokens);
    }

    [Fact]
    public void ARepeatedPromptThatStopsOnItsCachedTokenLeavesTheStepToTheOthers()
    {
        var harness = new SchedulerHarness(slots: 2, tokenBudget: 8);
        var prompt = harness.FreshTokens(20);
        harness.Submit(prompt, maxTokens: 1);
        harness.RunToCompletion();

        var repeat = harness.Submit(prompt, maxTokens: 1);
        var other = harness.Submit(promptLength: 30, maxTokens: 1);
        var plan = harness.Step();

        Assert.Equal(SequenceStatus.Retired, repeat.Status);
        Assert.Single(repeat.Generated);
        var chunk = Assert.Single(plan.Chunks);
        Assert.Same(other, chunk.Sequence);
        Assert.Equal(8, chunk.Length);
    }

    [Fact]
    public void ARunningSequencesPrefixIsCopied()
    {
        var harness = new SchedulerHarness(slots: 2, tokenBudget: 64);
        var shared = harness.FreshTokens(20);
        var running = harness.Submit(shared, maxTokens: 50);
        harness.Step();
        harness.Step();

        var copying = harness.Submit([.. shared, .. harness.FreshTokens(5)], maxTokens: 2);
        var plan = harness.Step();

        var admission = Assert.Single(plan.Admitted);
        Assert.True(admission.CopiesPrefix);
        Assert.Equal(running.Slot, admission.Match.Slot);
        Assert.NotEqual(running.Slot, copying.Slot);
        Assert.Equal(20, admission.Match.Length);
        Assert.Equal([(running.Slot, copying.Slot, 20)], harness.Slots.Copies);
        Assert.Equal([(running, 21, 1), (copying, 20, 5)], plan.Chunks.Select(c => (c.Sequence, c.Start, c.Length)));
    }

    [Fact]
    public void APrefixIsCopiedBeforeItsSourceIsPreemptedAndItsSlotReusedInTheSameStep()
    {
        var harness = new SchedulerHarness(slots: 3, tokenBudget: 64, preemptAfter: TimeSpan.FromSeconds(3));
        var shared = harness.FreshTokens(20);
        var source = harness.Submit(shared, maxTokens: 100);
        harness.Submit(promptLength: 8, maxTokens: 100);
        harness.Submit(promptLength: 8, maxTokens: 3); // frees its slot after the third step
        var copying = harness.Submit([.. shared, .. harness.FreshTokens(5)], maxTokens: 100);
        var preempting = harness.Submit(promptLength: 8, maxTokens: 100);
        for (var step = 0; step < 3; step++)
        {
            harness.Clock.Advance(Second);
            harness.Step();
        }
        var sourceSlot = source.Slot;

        harness.Clock.Advance(Second);
        var plan = harness.Step();

        Assert.Equal([copying, preempting], plan.Admitted.Select(a => a.Sequence));
        Assert.Equal([source], plan.Preempted);
        Assert.Equal(sourceSlot, preempting.Slot);
        Assert.Equal([(sourceSlot, copying.Slot, 20)], harness.Slots.Copies);
        var log = harness.Slots.Log;
        Assert.True(log.IndexOf($"copy {sourceSlot} to {copying.Slot}") < log.LastIndexOf($"free {sourceSlot}"), string.Join(", ", log));
    }

    [Fact]
    public void ACancelledSequenceIsRetiredAndItsSlotKeptAsAPrefix()
    {
        var harness = new SchedulerHarness(slots: 1, tokenBudget: 64);
        var sequence = harness.Submit(promptLength: 12, maxTokens: 50);
        harness.Step();
        harness.Step();

        sequence.Cancel();
        var plan = harness.Step();

        Assert.Empty(plan.Chunks);
        var (retired, error) = Assert.Single(harness.Retired);
        Assert.Same(sequence, retired);
        Assert.IsType<OperationCanceledException>(error);
        Assert.Equal(1, harness.Scheduler.Prefixes.Count);
        Assert.Equal(13, harness.Scheduler.Prefixes.Tokens);
        Assert.False(harness.Scheduler.HasWork);
    }
}
