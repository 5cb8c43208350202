using Llava.Engine.Generation;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

public class FairnessTests
{
    /// <summary>
    /// Two long generations hold both slots while newer requests keep arriving behind an older one. FIFO admission
    /// keeps the newer ones behind it and preemption gets it a slot long before either long generation ends.
    /// </summary>
    [Fact]
    public async Task AnOldRequestIsServedDespiteLongRunnersAndAStreamOfNewerRequests()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 2,
            MaxBatchTokens = 128,
            PreemptAfter = TimeSpan.FromSeconds(5),
            TimeProvider = new SteppingClock(),
        });
        using var stopLongRunners = new CancellationTokenSource();
        var longRunners = new[]
        {
            Collect(engine.GenerateAsync(Golden(engine, "text_only"), Greedy(450), stopLongRunners.Token)),
            Collect(engine.GenerateAsync(Golden(engine, "text_only"), Seeded(450, seed: 3), stopLongRunners.Token)),
        };
        await WaitUntil(() => engine.RunningCount == 2);

        var old = Run(engine, Golden(engine, "single_gradient"), Greedy(8));
        using var stopNewer = new CancellationTokenSource();
        var newer = Task.Run(async () =>
        {
            var finished = 0;
            while (!stopNewer.IsCancellationRequested)
            {
                await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Run(engine, Golden(engine, "tiny_image"), Greedy(4))));
                finished += 3;
            }
            return finished;
        });

        var first = await Task.WhenAny(longRunners.Append(old));
        Assert.Same(old, first);
        Assert.Equal(8, (await old).Tokens.Length);

        stopNewer.Cancel();
        Assert.True(await newer > 0);
        stopLongRunners.Cancel();
        foreach (var runner in longRunners) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner);
        Assert.True(engine.GetStats().Preemptions >= 1);
        await WaitUntil(() => engine.RunningCount == 0 && engine.WaitingCount == 0);
    }

    [Fact]
    public async Task ARequestNotAdmittedBeforeItsDeadlineFailsWithATimeout()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxModelLength = 512,
            MaxRunningSequences = 1,
            QueueTimeout = TimeSpan.FromSeconds(3),
            PreemptAfter = null,
            TimeProvider = new SteppingClock(),
        });
        var running = Run(engine, Golden(engine, "text_only"), Greedy(100));
        await WaitUntil(() => engine.RunningCount == 1);

        var seen = 0;
        var error = await Assert.ThrowsAsync<EngineTimeoutException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(Golden(engine, "single_gradient"), Greedy(5))) seen++;
        });
        Assert.Equal(0, seen);
        Assert.Contains("waited 3 s", error.Message);

        var completed = await running;
        Assert.Equal(100, completed.Tokens.Length);
        var stats = engine.GetStats();
        Assert.Equal(1, stats.QueueTimeouts);
        Assert.Equal(0, stats.WaitingRequests);
    }
}
