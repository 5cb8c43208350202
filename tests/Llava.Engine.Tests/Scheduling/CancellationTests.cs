using Llava.Engine.Generation;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

public class CancellationTests
{
    /// <summary>Cancelling one of three batched streams frees its slot for a waiting request and leaves the others' outputs unchanged.</summary>
    [Fact]
    public async Task CancellingOneSequenceMidBatchFreesItsSlotForTheNextRequest()
    {
        const long cancelledSeed = 77;
        using var cts = new CancellationTokenSource();
        var cancelledSamples = 0;
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 3,
            PreemptAfter = null,
            // The request is cancelled from the engine thread as its third token is sampled: when the test thread
            // gets to run cannot let it hold its slot for more steps.
            FaultInjector = (point, parameters) =>
            {
                if (point == EngineFaultPoint.Sampling && parameters.Seed == cancelledSeed && ++cancelledSamples == 3) cts.Cancel();
            },
        });
        var first = Golden(engine, "single_gradient");
        var second = Golden(engine, "text_only");
        var waiting = Golden(engine, "tiny_image");
        var expectedFirst = await Run(engine, first, Greedy(200));
        var expectedSecond = await Run(engine, second, Seeded(200, seed: 9));
        var expectedWaiting = await Run(engine, waiting, Greedy(10));

        var keep = new[] { Run(engine, first, Greedy(200)), Run(engine, second, Seeded(200, seed: 9)) };
        var cancelled = Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Collect(engine.GenerateAsync(Golden(engine, "multi_turn"), Greedy(400) with { Seed = cancelledSeed }, cts.Token)));
        // Queued behind the three: without preemption it can only start once the cancelled sequence has given
        // its slot back, and it finishes long before the two 200-token runs.
        var next = Run(engine, waiting, Greedy(10));
        await cancelled;

        Assert.Same(next, await Task.WhenAny(keep.Append(next)));
        Assert.Equal(expectedWaiting.Tokens, (await next).Tokens);
        var finished = await Task.WhenAll(keep);
        Assert.Equal(expectedFirst.Tokens, finished[0].Tokens);
        Assert.Equal(expectedSecond.Tokens, finished[1].Tokens);
        await WaitUntil(() => engine.RunningCount == 0);
        Assert.Equal(0, engine.GetStats().KvCacheSlotsUsed);
    }
}
