using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Tests.Generation;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>What a finished stream produced.</summary>
internal sealed record StreamResult(int[] Tokens, string Text, List<GenerationEvent> Events)
{
    public FinishReason? Finish => Events[^1].Finish;
}

internal static class Streams
{
    public static SamplingParams Greedy(int maxTokens) => new() { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };

    public static SamplingParams Seeded(int maxTokens, long seed) =>
        new() { Temperature = 1.0, TopP = 0.9, Seed = seed, MaxTokens = maxTokens, IgnoreEos = true };

    public static PreparedPrompt Golden(LlavaEngine engine, string name) =>
        engine.Prompts.Build(GoldenMessages.For(GoldenCases.Get(name)));

    /// <summary>One user message: the image (a file in the reference images folder) then the text.</summary>
    public static PreparedPrompt ImageQuestion(LlavaEngine engine, string image, string question) =>
        engine.Prompts.Build([new ChatMessage("user", [
            new ImagePart(File.ReadAllBytes(RepoPaths.Image(image))),
            new TextPart(question)])]);

    public static async Task<StreamResult> Collect(IAsyncEnumerable<GenerationEvent> events, CancellationToken cancellationToken = default)
    {
        var list = new List<GenerationEvent>();
        await foreach (var item in events.WithCancellation(cancellationToken)) list.Add(item);
        return new StreamResult(
            list.Where(e => e.TokenId is not null).Select(e => e.TokenId!.Value).ToArray(),
            string.Concat(list.Select(e => e.Text)),
            list);
    }

    public static Task<StreamResult> Run(LlavaEngine engine, PreparedPrompt prompt, SamplingParams parameters) =>
        Collect(engine.GenerateAsync(prompt, parameters));

    /// <summary>
    /// Polls a condition the engine thread makes true. The ten-minute bound only stops a hang: a passing test never
    /// waits for it, however loaded the machine.
    /// </summary>
    public static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 60_000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
