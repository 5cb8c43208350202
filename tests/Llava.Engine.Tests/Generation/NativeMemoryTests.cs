using System.Diagnostics;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Generation;

/// <summary>Tensors are native memory the GC does not see: a leak per request shows up as RSS growth.</summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class NativeMemoryTests
{
    [Fact]
    public async Task TwoHundredGenerationsDoNotGrowNativeMemory()
    {
        using var engine = LlavaEngine.Load(new EngineOptions { ModelPath = RepoPaths.DefaultModel, MaxModelLength = 256 });
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

        await Run(40);
        var tensorsBefore = engine.LiveTensorCount;
        var rssBefore = SettledRss();
        await Run(200);
        var tensorsAfter = engine.LiveTensorCount;
        var rssAfter = SettledRss();

        Assert.Equal(tensorsBefore, tensorsAfter);
        var growthMb = (rssAfter - rssBefore) / (1024.0 * 1024.0);
        Assert.True(growthMb < 24, $"RSS grew by {growthMb:F1} MB over 200 generations");
    }

    private static long SettledRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
