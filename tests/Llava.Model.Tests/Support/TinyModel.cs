using Llava.TestSupport;
using static TorchSharp.torch;

namespace Llava.Model.Tests.Support;

/// <summary>The fixture checkpoint, loaded once per test run on the CPU in each precision the tests compare.</summary>
public static class TinyModel
{
    private static readonly Lazy<LlavaForConditionalGeneration> Float32Model =
        new(() => LlavaForConditionalGeneration.FromPretrained(RepoPaths.FixtureModel, new ModelOptions { DType = "float32" }));

    public static LlavaForConditionalGeneration Float32 => Float32Model.Value;

    private static readonly Lazy<LlavaForConditionalGeneration> LibtorchFloat32Model =
        new(() => LlavaForConditionalGeneration.FromPretrained(RepoPaths.FixtureModel, new ModelOptions { DType = "float32", FewRowKernel = false }));

    /// <summary>The fixture model without the managed decode kernels: every matmul and attention in libtorch.</summary>
    public static LlavaForConditionalGeneration LibtorchFloat32 => LibtorchFloat32Model.Value;

    private static readonly Lazy<LlavaForConditionalGeneration> Bfloat16Model =
        new(() => LlavaForConditionalGeneration.FromPretrained(RepoPaths.FixtureModel, new ModelOptions { DType = "bf16" }));

    /// <summary>The fixture model in bfloat16, decode matmuls and attention in the managed kernels.</summary>
    public static LlavaForConditionalGeneration Bfloat16 => Bfloat16Model.Value;

    private static readonly Lazy<LlavaForConditionalGeneration> LibtorchBfloat16Model =
        new(() => LlavaForConditionalGeneration.FromPretrained(RepoPaths.FixtureModel, new ModelOptions { DType = "bf16", FewRowKernel = false }));

    /// <summary>The fixture model in bfloat16 with every matmul and attention in libtorch.</summary>
    public static LlavaForConditionalGeneration LibtorchBfloat16 => LibtorchBfloat16Model.Value;

    /// <summary>The decoder input for a golden case: token embeddings with its images' features spliced in.</summary>
    public static Tensor PromptEmbeds(LlavaForConditionalGeneration model, GoldenCase goldenCase)
    {
        using var scope = NewDisposeScope();
        Tensor? features = null;
        if (goldenCase.Images.Length > 0)
            features = model.GetImageFeatures(Golden.Pixels(goldenCase.Images));
        return model.EmbedPrompt(tensor(goldenCase.InputIds), features).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A golden case's prompt through the cache, then as many greedy steps as the case has golden tokens: the
    /// prompt's last-position logits and the greedy ids.
    /// </summary>
    public static (float[] PromptLogits, long[] GreedyIds) Greedy(LlavaForConditionalGeneration model, GoldenCase goldenCase)
    {
        using var cache = model.CreateKvCache(1, 128);
        var slot = cache.AllocateSlot();
        using var embeds = PromptEmbeds(model, goldenCase);
        var logits = model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, goldenCase.InputIds.Length), cache);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        var promptLogits = logits[0].data<float>().ToArray();
        var ids = new List<long>();
        for (var step = 0; step < goldenCase.GreedyIds.Length; step++)
        {
            using (logits)
            using (var argmax = logits[0].argmax())
                ids.Add(argmax.item<long>());
            if (step == goldenCase.GreedyIds.Length - 1) break;
            using var next = model.EmbedTokens(tensor(new[] { ids[^1] }));
            logits = model.ForwardCached(next, ForwardBatch.Single(slot, goldenCase.InputIds.Length + step, 1), cache);
        }
        return (promptLogits, ids.ToArray());
    }

    /// <summary>The logits of one decode step after a golden case's prompt (its first greedy token as input).</summary>
    public static Tensor DecodeLogits(LlavaForConditionalGeneration model, GoldenCase goldenCase)
    {
        using var cache = model.CreateKvCache(1, 128);
        var slot = cache.AllocateSlot();
        using var embeds = PromptEmbeds(model, goldenCase);
        model.ForwardCached(embeds, ForwardBatch.Single(slot, 0, goldenCase.InputIds.Length), cache).Dispose();
        using var next = model.EmbedTokens(tensor(new long[] { goldenCase.GreedyIds[0] }));
        return model.ForwardCached(next, ForwardBatch.Single(slot, goldenCase.InputIds.Length, 1), cache);
    }
}
