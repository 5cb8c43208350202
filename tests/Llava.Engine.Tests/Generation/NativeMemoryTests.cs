using System.Diagnostics;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Generation;

/// <summary>
/// Tensors are native memory the GC does not see: a leak per request shows up as growth of the resident memory
/// that the managed heap does not account for. The managed heap is checked by its live bytes, since how much
/// memory the GC keeps committed depends on its own sizing, not on leaks.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class NativeMemoryTests
{
    [Fact]
    public async Task TwoHundredGenerationsDoNotGrowNativeMemory()
    {
        using var engine = LlavaEngine.Load(new EngineOptions { ModelPath = RepoPaths.FixtureModel, MaxModelLength = 256 });
        var prompts = new[] { "single_gradient", "two_images", "text_only", "multi_turn" }
            .Select(name => GoldenMessages.For(GoldenCases.Get(name))).ToList();
        var parameters = new SamplingParams { Temperature = 0.8, Seed = 7, MaxTokens = 6, TopLogprobs = 3, IgnoreEos = true };

        async Task Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var prompt = engine.Prompts.Build(prompts[i % prompts.Count]);
                await foreach (var _ in engine.GenerateAsync(prompt, parameters)) { }
            }
        }

        // Long enough for every slot, the caches and the allocators to reach their steady state.
        await Run(100);
        var tensorsBefore = engine.LiveTensorCount;
        var before = Settled();
        await Run(200);
        var tensorsAfter = engine.LiveTensorCount;
        var after = Settled();

        Assert.Equal(tensorsBefore, tensorsAfter);
        var nativeGrowthMb = (after.Native - before.Native) / (1024.0 * 1024.0);
        Assert.True(nativeGrowthMb < 16, $"native memory grew by {nativeGrowthMb:F1} MB over 200 generations");
        var managedGrowthMb = (after.LiveManaged - before.LiveManaged) / (1024.0 * 1024.0);
        Assert.True(managedGrowthMb < 4, $"live managed memory grew by {managedGrowthMb:F1} MB over 200 generations");
    }

    /// <summary>Resident memory outside the GC heap, and the GC heap's live bytes, after a full collection.</summary>
    private static (long Native, long LiveManaged) Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var liveManaged = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (process.WorkingSet64 - GC.GetGCMemoryInfo().TotalCommittedBytes, liveManaged);
    }
}
