using Llava.Engine.Generation;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>
/// A failure in the work the engine does for one sequence alone — admitting it, sampling its token — ends that
/// request with the error; the sequence beside it in the batch, and the requests after it, are served as usual.
/// </summary>
public class FaultInjectionTests
{
    private const long FaultySeed = 13;

    /// <summary>Bounds a hang (a request left waiting forever), not the machine's speed.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromMinutes(5);

    private static LlavaEngine Load(EngineFaultPoint faultAt) => LlavaEngine.Load(new EngineOptions
    {
        ModelPath = RepoPaths.FixtureModel,
        MaxModelLength = 512,
        MaxRunningSequences = 4,
        FaultInjector = (point, parameters) =>
        {
            if (point == faultAt && parameters.Seed == FaultySeed) throw new InvalidOperationException("injected fault");
        },
    });

    [Theory]
    [InlineData(EngineFaultPoint.Admission)]
    [InlineData(EngineFaultPoint.Sampling)]
    public async Task AFailureForOneSequenceEndsOnlyThatRequest(EngineFaultPoint faultAt)
    {
        using var engine = Load(faultAt);
        var prompt = Golden(engine, "text_only");
        var expected = await Run(engine, prompt, Greedy(12));

        // Submitted together, they are admitted and sampled in the same steps.
        var faulty = Run(engine, prompt, Seeded(12, FaultySeed));
        var healthy = Run(engine, prompt, Greedy(12));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => faulty.WaitAsync(HangBound));
        Assert.Equal("injected fault", error.Message);
        Assert.Equal(expected.Tokens, (await healthy.WaitAsync(HangBound)).Tokens);
        Assert.Equal(expected.Tokens, (await Run(engine, prompt, Greedy(12)).WaitAsync(HangBound)).Tokens);
        Assert.Equal(0, engine.RunningCount);
    }
}
