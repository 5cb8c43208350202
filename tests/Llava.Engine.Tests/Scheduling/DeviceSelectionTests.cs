using Llava.Engine.Constraints;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Tests.Constraints;
using Llava.TestSupport;
using static Llava.Engine.Tests.Scheduling.Streams;

namespace Llava.Engine.Tests.Scheduling;

/// <summary>
/// Greedy and top-k rows choose their token from what the device sends back (an argmax, k + 1 candidates) instead of
/// the whole logits row, and their logprobs from the device's log-sum-exp and best logits: the same requests, batched
/// with rows that still need the whole row (grammar, bias, penalties, top-p over the vocabulary), give the same
/// tokens, text and logprobs either way.
/// </summary>
public class DeviceSelectionTests
{
    private static LlavaEngine Load(bool deviceSelection) => LlavaEngine.Load(new EngineOptions
    {
        ModelPath = RepoPaths.FixtureModel,
        MaxModelLength = 512,
        MaxRunningSequences = 16,
        MaxBatchTokens = 1024,
        // Kept prompt logits are copied whole; without prefix caching every whole-row copy is a row's own need.
        EnablePrefixCaching = false,
        DeviceSelection = deviceSelection,
    });

    private static SamplingParams TopK(int k, long seed, double temperature = 0.8) =>
        new() { Temperature = temperature, TopK = k, Seed = seed, MaxTokens = 10, IgnoreEos = true };

    /// <summary>Requests that need only an argmax or the top k (with logprobs or not): none of their rows is copied whole.</summary>
    private static IEnumerable<SamplingParams> DeviceOnly() =>
    [
        Greedy(10),
        new SamplingParams { Temperature = 0.7, TopK = 1, Seed = 3, MaxTokens = 10, IgnoreEos = true },
        TopK(5, seed: 1),
        TopK(5, seed: 2),
        TopK(40, seed: 3, temperature: 1.3) with { TopP = 0.9 },
        TopK(20, seed: 4) with { MinP = 0.05 },
        TopK(200, seed: 5, temperature: 1.5) with { TopP = 0.8, MinP = 0.01 },
        Greedy(10) with { TopLogprobs = 0 },
        Greedy(10) with { TopLogprobs = 3 },
        TopK(10, seed: 7) with { TopLogprobs = 2 },
        TopK(5, seed: 11) with { TopLogprobs = 20 },
    ];

    /// <summary>Requests whose choice reads the whole row.</summary>
    private static IEnumerable<SamplingParams> WholeRow() =>
    [
        Seeded(10, seed: 6),
        Seeded(10, seed: 10) with { TopLogprobs = 4 },
        Greedy(10) with { LogitBias = new Dictionary<int, double> { [13] = 5, [29871] = -100 }, TopLogprobs = 1 },
        TopK(10, seed: 8) with { RepetitionPenalty = 1.3 },
        Seeded(10, seed: 9) with { IgnoreEos = false, MaxTokens = 60, Grammar = JsonGrammar.FromSchema(SchemaCorpus.Get("flat_required")) },
    ];

    [Fact]
    public async Task DeviceSelectedTokensEqualTheWholeRowPath()
    {
        using var device = Load(deviceSelection: true);
        using var host = Load(deviceSelection: false);
        string[] cases = ["text_only", "single_gradient"];
        var requests = cases.SelectMany(name => DeviceOnly().Concat(WholeRow()).Select(parameters => (name, parameters))).ToList();

        var onDevice = await Together(device, requests);
        var whole = await Together(host, requests);

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(whole[i].Tokens, onDevice[i].Tokens);
            Assert.Equal(whole[i].Text, onDevice[i].Text);
            AssertSameLogprobs(whole[i], onDevice[i]);
        }
        // The seeded top-k runs really sample.
        Assert.Contains(requests.Select((r, i) => (r, i)), p => p.r.parameters.TopK > 1 && !onDevice[p.i].Tokens.SequenceEqual(onDevice[0].Tokens));
        Assert.True(device.WholeRowsCopied < host.WholeRowsCopied, $"{device.WholeRowsCopied} whole rows against {host.WholeRowsCopied}");

        var copiedBefore = device.WholeRowsCopied;
        var alone = await Together(device, cases.SelectMany(name => DeviceOnly().Select(parameters => (name, parameters))).ToList());
        Assert.All(alone, result => Assert.Equal(10, result.Tokens.Length));
        // Rows copied whole: only those whose k-th and (k+1)-th logits (or top logprobs and the next) happen to tie,
        // which is rare (the whole-row path copies all of them).
        var tokens = alone.Sum(result => result.Tokens.Length);
        Assert.InRange(device.WholeRowsCopied - copiedBefore, 0, tokens / 10);
    }

    private static Task<StreamResult[]> Together(LlavaEngine engine, List<(string Case, SamplingParams Parameters)> requests) =>
        Task.WhenAll(requests.Select(r => Run(engine, Golden(engine, r.Case), r.Parameters)));

    /// <summary>
    /// Same tokens, values within float noise: the two engines batch the prompts' prefill chunks differently (requests
    /// arrive as they do), and a matmul over a different number of rows may round its last bits differently.
    /// </summary>
    private static void AssertSameLogprobs(StreamResult expected, StreamResult actual)
    {
        var want = Logprobs(expected);
        var got = Logprobs(actual);
        Assert.Equal(want.Select(l => l.TokenId), got.Select(l => l.TokenId));
        for (var i = 0; i < want.Count; i++) Assert.InRange(got[i].Logprob - want[i].Logprob, -1e-4, 1e-4);
    }

    private static List<TokenLogprob> Logprobs(StreamResult result) =>
        result.Events.Where(e => e.Logprobs is not null).SelectMany(e => e.Logprobs!.Top.Prepend(e.Logprobs.Chosen)).ToList();
}
