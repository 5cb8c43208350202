using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Generation;

public class EngineBehaviourTests(SharedEngine shared) : IClassFixture<SharedEngine>
{
    private LlavaEngine Engine => shared.Engine;

    private PreparedPrompt GoldenPrompt(string name) => Engine.Prompts.Build(GoldenMessages.For(GoldenCases.Get(name)));

    private static async Task<List<GenerationEvent>> Collect(IAsyncEnumerable<GenerationEvent> events)
    {
        var list = new List<GenerationEvent>();
        await foreach (var item in events) list.Add(item);
        return list;
    }

    private static string Text(IEnumerable<GenerationEvent> events) => string.Concat(events.Select(e => e.Text));

    [Fact]
    public async Task ConcurrentRequestsGiveTheSameTokensAsAlone()
    {
        var names = new[] { "single_gradient", "text_only", "two_images", "multi_turn" };
        var greedy = new SamplingParams { Temperature = 0, MaxTokens = 12, IgnoreEos = true };
        var alone = new List<int[]>();
        foreach (var name in names)
            alone.Add((await Collect(Engine.GenerateAsync(GoldenPrompt(name), greedy))).Where(e => e.TokenId is not null).Select(e => e.TokenId!.Value).ToArray());

        var together = await Task.WhenAll(names.Select(name => Collect(Engine.GenerateAsync(GoldenPrompt(name), greedy))));
        for (var i = 0; i < names.Length; i++)
            Assert.Equal(alone[i], together[i].Where(e => e.TokenId is not null).Select(e => e.TokenId!.Value));
    }

    [Fact]
    public async Task SeededSamplingIsReproducible()
    {
        var sampled = new SamplingParams { Temperature = 1.5, TopP = 0.95, TopK = 50, Seed = 1234, MaxTokens = 10, IgnoreEos = true };
        var first = Text(await Collect(Engine.GenerateAsync(GoldenPrompt("text_only"), sampled)));
        var second = Text(await Collect(Engine.GenerateAsync(GoldenPrompt("text_only"), sampled)));
        var other = Text(await Collect(Engine.GenerateAsync(GoldenPrompt("text_only"), sampled with { Seed = 99 })));
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task StopStringEndsGenerationBeforeTheMatch()
    {
        // Greedy text of this case is "fog secondary--lek secondary…": stop inside the third token.
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = 12, Stop = ["--l"], IgnoreEos = true };
        var events = await Collect(Engine.GenerateAsync(GoldenPrompt("single_gradient"), parameters));
        Assert.Equal("fog secondary", Text(events));
        Assert.Equal(FinishReason.Stop, events[^1].Finish);
        Assert.Equal(4, events[^1].Usage!.CompletionTokens);
    }

    [Fact]
    public async Task StopTokenIdEndsGenerationWithoutItsText()
    {
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = 12, StopTokenIds = [28508], IgnoreEos = true };
        var events = await Collect(Engine.GenerateAsync(GoldenPrompt("single_gradient"), parameters));
        Assert.Equal("fog secondary--", Text(events));
        Assert.Equal(FinishReason.Stop, events[^1].Finish);
    }

    [Fact]
    public async Task PromptLongerThanContextIsRefusedBeforeQueueing()
    {
        var parameters = new SamplingParams { MaxTokens = 500 };
        var error = await Assert.ThrowsAsync<PromptException>(() => Collect(Engine.GenerateAsync(GoldenPrompt("single_gradient"), parameters)));
        Assert.Contains("maximum context length is 512", error.Message);
    }

    [Fact]
    public async Task CancelledRequestFreesItsSlot()
    {
        using var cts = new CancellationTokenSource();
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = 400, IgnoreEos = true };
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in Engine.GenerateAsync(GoldenPrompt("text_only"), parameters, cts.Token))
            {
                if (++seen == 3) cts.Cancel();
            }
        });
        Assert.True(seen < 400);
        await WaitUntil(() => Engine.RunningCount == 0);
    }

    [Fact]
    public async Task ReaderThatStopsEarlyFreesItsSlot()
    {
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = 400, IgnoreEos = true };
        await foreach (var _ in Engine.GenerateAsync(GoldenPrompt("text_only"), parameters)) break;
        await WaitUntil(() => Engine.RunningCount == 0);
    }
}
