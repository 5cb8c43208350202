using System.Collections.Concurrent;
using System.Text.Json;
using Llava.Model.AnyResolution;
using Llava.Model.Tests.Support;
using Llava.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>
/// LLaVA-NeXT against Hugging Face's <c>LlavaNextForConditionalGeneration</c> on the tiny checkpoints of
/// tests/fixtures/next: the golden pixel values go through the tower, the grid packing and the decoder; prefill
/// logits, 12 greedy tokens and their top-5 logprobs must match, and the prompt positions per image must equal the
/// processor's count.
/// </summary>
public sealed class LlavaNextGoldenTests(ITestOutputHelper output)
{
    private const double LogitTolerance = 1e-3;
    private const double LogprobTolerance = 1e-3;
    private const int GreedySteps = 12;

    private static readonly ConcurrentDictionary<string, LlavaForConditionalGeneration> Loaded = new();

    public static IEnumerable<object[]> Cases => NextGolden.ModelCases();

    private static LlavaForConditionalGeneration Model(string name) => Loaded.GetOrAdd(name, n =>
        LlavaForConditionalGeneration.FromPretrained(NextGolden.ModelDir(n), new ModelOptions { DType = "float32" }));

    [Theory]
    [MemberData(nameof(Cases))]
    public void PromptPositionsPerImageAreTheProcessorsCount(string model, string caseName)
    {
        var goldenCase = NextGolden.Case(model, caseName);
        var config = Model(model).Config;
        var sizes = goldenCase.GetProperty("image_sizes").EnumerateArray().ToList();
        var counts = GoldenCases.Ints(goldenCase.GetProperty("image_token_counts"));
        for (var i = 0; i < sizes.Count; i++)
            Assert.Equal(counts[i], AnyResolutionGrid.Tile(config, sizes[i][0].GetInt32(), sizes[i][1].GetInt32()).FeatureCount);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrefillLogitsAndGreedyDecodingMatchReference(string model, string caseName)
    {
        var goldenCase = NextGolden.Case(model, caseName);
        var llava = Model(model);
        var ids = goldenCase.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        using var cache = llava.CreateKvCache(slots: 1, capacity: ids.Length + GreedySteps);
        var slot = cache.AllocateSlot();
        using var embeds = PromptEmbeds(llava, goldenCase, ids);
        var logits = llava.ForwardCached(embeds, ForwardBatch.Single(slot, 0, ids.Length), cache);

        var expectedLogits = NextGolden.Npy(goldenCase.GetProperty("last_position_logits").GetProperty("full_logits_file").GetString()!).AsFloat32();
        var logitDiff = GoldenLogitsTests.MaxAbsDiff(logits[0].data<float>().ToArray(), expectedLogits);
        output.WriteLine($"{model}/{caseName}: {ids.Length} positions, max |logit - reference| = {logitDiff:E3}");
        Assert.True(logitDiff < LogitTolerance, $"max abs logit diff {logitDiff} >= {LogitTolerance}");

        var expectedTop5 = goldenCase.GetProperty("greedy").GetProperty("steps").EnumerateArray()
            .Select(step => step.GetProperty("top5").EnumerateArray()
                .Select(e => new GoldenTopEntry(e.GetProperty("id").GetInt32(), e.GetProperty("logprob").GetDouble())).ToArray())
            .ToList();
        var (generated, logprobDiff) = GreedyReference.Decode(llava, cache, slot, logits, ids.Length, expectedTop5);
        output.WriteLine($"{model}/{caseName}: max |top-5 logprob - reference| = {logprobDiff:E3}");
        Assert.Equal(GoldenCases.Ints(goldenCase.GetProperty("greedy").GetProperty("ids")), generated);
        Assert.True(logprobDiff < LogprobTolerance, $"max top-5 logprob diff {logprobDiff} >= {LogprobTolerance}");
    }

    private static Tensor PromptEmbeds(LlavaForConditionalGeneration model, JsonElement goldenCase, long[] ids)
    {
        using var scope = NewDisposeScope();
        var files = goldenCase.GetProperty("pixel_values_files").EnumerateArray().Select(f => f.GetString()!).ToList();
        var sizes = goldenCase.GetProperty("image_sizes").EnumerateArray().ToList();
        Tensor? features = null;
        if (files.Count > 0)
        {
            var perImage = files.Select((file, i) =>
            {
                var npy = NextGolden.Npy(file);
                using var crops = tensor(npy.AsFloat32(), npy.Shape.Select(d => (long)d).ToArray());
                return model.GetImageFeatures(crops, sizes[i][0].GetInt32(), sizes[i][1].GetInt32());
            }).ToList();
            features = cat(perImage, 0).unsqueeze(0);
        }
        return model.EmbedPrompt(tensor(ids), features).MoveToOuterDisposeScope();
    }
}
