using Llava.Model.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>Packing several sequences, splitting a prompt into chunks and skipping the cache change nothing.</summary>
public sealed class PackedBatchTests(ITestOutputHelper output)
{
    private const double Tight = 1e-4;
    private static readonly string[] PackedCases = ["text_only", "single_gradient", "two_images"];

    [Fact]
    public void PackedPrefillAndDecodeEqualSingleSequenceRuns()
    {
        var model = TinyModel.Float32;
        var cases = PackedCases.Select(Golden.Case).ToList();
        var singles = cases.Select(c => SingleSequenceLogits(c, decodeSteps: 2)).ToList();

        using var cache = model.CreateKvCache(slots: 4, capacity: 128);
        cache.AllocateSlot(); // left idle, so the packed sequences sit in slots other than 0
        var slots = cases.Select(_ => cache.AllocateSlot()).ToList();
        using var embeds = cat(cases.Select(c => TinyModel.PromptEmbeds(model, c)).ToArray(), 0);
        var prefill = new ForwardBatch(cases.Select((c, i) => new SequenceChunk(slots[i], 0, c.InputIds.Length)).ToList());
        using var prefillLogits = model.ForwardCached(embeds, prefill, cache);
        Assert.Equal([cases.Count, model.Config.Text.VocabSize], prefillLogits.shape);

        var maxDiff = 0.0;
        for (var i = 0; i < cases.Count; i++)
            maxDiff = Math.Max(maxDiff, MaxAbsDiff(prefillLogits[i], singles[i][0]));

        for (var step = 0; step < 2; step++)
        {
            var tokens = cases.Select(c => (long)c.GreedyIds[step]).ToArray();
            using var next = model.EmbedTokens(tensor(tokens));
            var decode = new ForwardBatch(cases.Select((c, i) => new SequenceChunk(slots[i], c.InputIds.Length + step, 1)).ToList());
            using var decodeLogits = model.ForwardCached(next, decode, cache);
            for (var i = 0; i < cases.Count; i++)
                maxDiff = Math.Max(maxDiff, MaxAbsDiff(decodeLogits[i], singles[i][step + 1]));
        }

        output.WriteLine($"packed vs single: max |diff| = {maxDiff:E3}");
        Assert.True(maxDiff < Tight, $"packed batch differs from single runs by {maxDiff}");
    }

    [Fact]
    public void DecodeAndPrefillMixedInOneBatchEqualSingleSequenceRuns()
    {
        var model = TinyModel.Float32;
        var running = Golden.Case("single_landscape");
        var arriving = Golden.Case("multi_turn");
        var runningSingle = SingleSequenceLogits(running, decodeSteps: 1);
        var arrivingSingle = SingleSequenceLogits(arriving, decodeSteps: 0);

        using var cache = model.CreateKvCache(slots: 2, capacity: 128);
        var first = cache.AllocateSlot();
        using (var embeds = TinyModel.PromptEmbeds(model, running))
            model.ForwardCached(embeds, ForwardBatch.Single(first, 0, running.InputIds.Length), cache).Dispose();

        var second = cache.AllocateSlot();
        using var next = model.EmbedTokens(tensor(new long[] { running.GreedyIds[0] }));
        using var prompt = TinyModel.PromptEmbeds(model, arriving);
        using var packed = cat([next, prompt], 0);
        var batch = new ForwardBatch([
            new SequenceChunk(first, running.InputIds.Length, 1),
            new SequenceChunk(second, 0, arriving.InputIds.Length)]);
        using var logits = model.ForwardCached(packed, batch, cache);

        var maxDiff = Math.Max(MaxAbsDiff(logits[0], runningSingle[1]), MaxAbsDiff(logits[1], arrivingSingle[0]));
        output.WriteLine($"mixed decode+prefill vs single: max |diff| = {maxDiff:E3}");
        Assert.True(maxDiff < Tight, $"mixed batch differs from single runs by {maxDiff}");
        Assert.Equal(running.InputIds.Length + 1, cache.Length(first));
        Assert.Equal(arriving.InputIds.Length, cache.Length(second));
    }

    [Theory]
    [InlineData("two_images", new[] { 30, 1, 63 })]
    [InlineData("gray_and_palette", new[] { 50, 45 })]
    [InlineData("text_only", new[] { 1, 1, 19 })]
    public void ChunkedPrefillGivesTheSameLogits(string caseName, int[] chunkLengths)
    {
        var model = TinyModel.Float32;
        var goldenCase = Golden.Case(caseName);
        Assert.Equal(goldenCase.InputIds.Length, chunkLengths.Sum());
        var whole = SingleSequenceLogits(goldenCase, decodeSteps: 0)[0];

        using var cache = model.CreateKvCache(slots: 1, capacity: 128);
        var slot = cache.AllocateSlot();
        using var embeds = TinyModel.PromptEmbeds(model, goldenCase);
        var start = 0;
        Tensor? last = null;
        foreach (var length in chunkLengths)
        {
            last?.Dispose();
            using var chunk = embeds.narrow(0, start, length);
            last = model.ForwardCached(chunk, ForwardBatch.Single(slot, start, length), cache);
            start += length;
        }

        var maxDiff = MaxAbsDiff(last![0], whole);
        last.Dispose();
        output.WriteLine($"{caseName} chunked {string.Join("+", chunkLengths)}: max |diff| = {maxDiff:E3}");
        Assert.True(maxDiff < Tight, $"chunked prefill differs by {maxDiff}");
    }

    [Theory]
    [MemberData(nameof(Golden.CaseNames), MemberType = typeof(Golden))]
    public void ForwardWithoutCacheEqualsCachedLogitsAtEveryPosition(string caseName)
    {
        var model = TinyModel.Float32;
        var goldenCase = Golden.Case(caseName);
        var length = goldenCase.InputIds.Length;
        using var embeds = TinyModel.PromptEmbeds(model, goldenCase);
        using var cache = model.CreateKvCache(slots: 1, capacity: 128);
        var slot = cache.AllocateSlot();

        using var cached = model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, length), cache, allPositions: true);
        using var batched = embeds.unsqueeze(0);
        using var uncached = model.Forward(batched);

        Assert.Equal([length, model.Config.Text.VocabSize], cached.shape);
        Assert.Equal([1, length, model.Config.Text.VocabSize], uncached.shape);
        using var difference = (cached - uncached[0]).abs().max();
        var maxDiff = difference.item<float>();
        output.WriteLine($"{caseName}: no-cache vs cached, all positions: max |diff| = {maxDiff:E3}");
        Assert.True(maxDiff < Tight, $"no-cache forward differs by {maxDiff}");
    }

    [Fact]
    public void RewindingASlotRecomputesTheSameStep()
    {
        var model = TinyModel.Float32;
        var goldenCase = Golden.Case("single_gradient");
        var length = goldenCase.InputIds.Length;
        using var cache = model.CreateKvCache(slots: 1, capacity: 128);
        var slot = cache.AllocateSlot();
        using (var embeds = TinyModel.PromptEmbeds(model, goldenCase))
            model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, length), cache).Dispose();
        using var wrong = model.EmbedTokens(tensor(new long[] { 100 }));
        model.ForwardCached(wrong, ForwardBatch.Single(slot, length, 1), cache).Dispose();

        using var right = model.EmbedTokens(tensor(new long[] { goldenCase.GreedyIds[0] }));
        using var rewound = model.ForwardCached(right, ForwardBatch.Single(slot, length, 1), cache);
        using var argmax = rewound[0].argmax();

        Assert.Equal(goldenCase.GreedyIds[1], argmax.item<long>());
        Assert.Equal(length + 1, cache.Length(slot));
    }

    [Fact]
    public void AFreedSlotReusedByAnotherSequenceKeepsNothingOfTheOld()
    {
        var model = TinyModel.Float32;
        var previous = Golden.Case("two_images");
        var current = Golden.Case("text_only");
        var expected = SingleSequenceLogits(current, decodeSteps: 0)[0];

        using var cache = model.CreateKvCache(slots: 1, capacity: 128);
        var slot = cache.AllocateSlot();
        using (var embeds = TinyModel.PromptEmbeds(model, previous))
            model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, previous.InputIds.Length), cache).Dispose();
        cache.FreeSlot(slot);

        var reused = cache.AllocateSlot();
        Assert.Equal(slot, reused);
        Assert.Equal(0, cache.Length(reused));
        using var prompt = TinyModel.PromptEmbeds(model, current);
        using var logits = model.ForwardCached(prompt, ForwardBatch.Single(reused, 0, current.InputIds.Length), cache);
        Assert.True(MaxAbsDiff(logits[0], expected) < Tight);
    }

    /// <summary>Last-position logits of the prompt, then of each greedy golden token fed back, one sequence alone.</summary>
    private static List<float[]> SingleSequenceLogits(GoldenCase goldenCase, int decodeSteps)
    {
        var model = TinyModel.Float32;
        using var cache = model.CreateKvCache(slots: 1, capacity: 128);
        var slot = cache.AllocateSlot();
        var results = new List<float[]>();
        using (var embeds = TinyModel.PromptEmbeds(model, goldenCase))
        using (var logits = model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, goldenCase.InputIds.Length), cache))
            results.Add(logits[0].data<float>().ToArray());
        for (var step = 0; step < decodeSteps; step++)
        {
            using var next = model.EmbedTokens(tensor(new long[] { goldenCase.GreedyIds[step] }));
            using var logits = model.ForwardCached(next, ForwardBatch.Single(slot, goldenCase.InputIds.Length + step, 1), cache);
            results.Add(logits[0].data<float>().ToArray());
        }
        return results;
    }

    private static double MaxAbsDiff(Tensor row, float[] expected)
    {
        using (row)
            return GoldenLogitsTests.MaxAbsDiff(row.data<float>().ToArray(), expected);
    }
}
