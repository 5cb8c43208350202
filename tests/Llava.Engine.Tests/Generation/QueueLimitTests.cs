using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Generation;

public class QueueLimitTests
{
    [Fact]
    public async Task FullQueueRefusesNewRequestsAndFreesRoomWhenTheyLeave()
    {
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = RepoPaths.FixtureModel,
            MaxRunningSequences = 1,
            MaxWaitingRequests = 2,
            MaxModelLength = 256,
        });
        var prompt = engine.Prompts.Build(GoldenMessages.For(GoldenCases.Get("text_only")));
        var longRun = new SamplingParams { Temperature = 0, MaxTokens = 200, IgnoreEos = true };
        using var cts = new CancellationTokenSource();

        var accepted = new List<IAsyncEnumerable<GenerationEvent>>();
        var busy = 0;
        for (var i = 0; i < 6; i++)
        {
            try
            {
                accepted.Add(engine.GenerateAsync(prompt, longRun, cts.Token));
            }
            catch (EngineBusyException)
            {
                busy++;
            }
        }

        // One may already hold the slot; at most two wait; the rest are refused.
        Assert.InRange(busy, 3, 4);
        Assert.InRange(engine.WaitingCount, 1, 2);

        cts.Cancel();
        foreach (var stream in accepted)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { await foreach (var _ in stream) { } });
        await WaitUntil(() => engine.RunningCount == 0 && engine.WaitingCount == 0);
        await foreach (var _ in engine.GenerateAsync(prompt, longRun with { MaxTokens = 2 })) { }
    }
}
