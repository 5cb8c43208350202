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
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 3,
            PreemptAfter = null,
        });
        var first = Golden(engine, "single_gradient");
        var second = Golden(engine, "text_only");
        var waiting = Golden(engine, "tiny_image");
        var expectedFirst = await Run(engine, first, Greedy(200));
        var expectedSecond = await Run(engine, second, Seeded(200, seed: 9));
        var expectedWaiting = await Run(engine, waiting, Greedy(10));

        using var cts = new CancellationTokenSource();
        var keep = new[] { Run(engine, first, Greedy(200)), Run(engine, second, Seeded(200, seed: 9)) };
        var seen = 0;
        var cancelled = Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(Golden(engine, "multi_turn"), Greedy(400), cts.Token))
            {
                if (++seen == 3) cts.Cancel();
            }
        });
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
