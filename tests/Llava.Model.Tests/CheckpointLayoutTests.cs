using Llava.Model.Tests.Support;
using Llava.Model.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>Checkpoints in other dtypes, shardings and key layouts, written here from the fixture's weights.</summary>
public sealed class CheckpointLayoutTests(ITestOutputHelper output)
{
    [Fact]
    public void ShardedBfloat16HubLayoutLoadsTheRoundedWeights()
    {
        var original = TinyModel.Float32;
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        var bf16 = Checkpoints.HubTensors(original).Select(t => (t.Name, t.Tensor.to(ScalarType.BFloat16))).ToList();
        var shards = SafeTensorsWriter.WriteSharded(dir.Path, bf16, maxShardBytes: 3 << 20);
        foreach (var (_, tensor) in bf16) tensor.Dispose();
        Assert.True(shards.Count >= 2, $"expected several shards, got {shards.Count}");

        using var loaded = LlavaForConditionalGeneration.FromPretrained(dir.Path, new ModelOptions { DType = "float32" });

        var expected = original.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in loaded.named_parameters())
        {
            using var rounded = expected[name].to(ScalarType.BFloat16).to(ScalarType.Float32);
            Assert.True(TensorCompare.Identical(parameter, rounded), $"{name} is not the bf16-rounded original");
        }
        var maxDiff = LastLogitsDiff(loaded, original, "single_gradient");
        output.WriteLine($"bf16 weights vs fp32 weights, last logits: max |diff| = {maxDiff:E3}");
        Assert.True(maxDiff < 2.0);
    }

    [Fact]
    public void SingleFileTransformers452LayoutLoadsIdentically()
    {
        var original = TinyModel.Float32;
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        var renamed = Checkpoints.HubTensors(original).Select(t => (Checkpoints.NewLayoutName(t.Name), t.Tensor)).ToList();
        Assert.Contains(renamed, t => t.Item1 == "lm_head.weight");
        Assert.Contains(renamed, t => t.Item1 == "model.language_model.layers.0.self_attn.q_proj.weight");
        Assert.Contains(renamed, t => t.Item1 == "model.vision_tower.vision_model.pre_layrnorm.weight");
        SafeTensorsWriter.Write(dir.File(SafeTensorsCheckpoint.SingleFileName), renamed);

        using var loaded = LlavaForConditionalGeneration.FromPretrained(dir.Path, new ModelOptions());

        Assert.Equal(0.0, LastLogitsDiff(loaded, original, "two_images"));
    }

    [Fact]
    public void Float16WeightsLoadIntoAFloat32Model()
    {
        var original = TinyModel.Float32;
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path);
        var fp16 = Checkpoints.HubTensors(original).Select(t => (t.Name, t.Tensor.to(ScalarType.Float16))).ToList();
        SafeTensorsWriter.Write(dir.File(SafeTensorsCheckpoint.SingleFileName), fp16);
        foreach (var (_, tensor) in fp16) tensor.Dispose();

        using var loaded = LlavaForConditionalGeneration.FromPretrained(dir.Path, new ModelOptions());

        using var expected = original.language_model.model.embed_tokens.weight.to(ScalarType.Float16).to(ScalarType.Float32);
        Assert.True(TensorCompare.Identical(loaded.language_model.model.embed_tokens.weight, expected));
    }

    [Fact]
    public void TiedEmbeddingsServeAsTheOutputHeadWhenLmHeadIsAbsent()
    {
        var original = TinyModel.Float32;
        using var tiedDir = new TempDir();
        Checkpoints.WriteConfig(tiedDir.Path, config => config["tie_word_embeddings"] = true);
        var withoutHead = Checkpoints.HubTensors(original).Where(t => t.Name != WeightNames.OutputHead).ToList();
        SafeTensorsWriter.Write(tiedDir.File(SafeTensorsCheckpoint.SingleFileName), withoutHead);

        // The same model untied, with the embedding matrix written out as its output head.
        using var untiedDir = new TempDir();
        Checkpoints.WriteConfig(untiedDir.Path);
        var embedding = original.language_model.model.embed_tokens.weight;
        SafeTensorsWriter.Write(untiedDir.File(SafeTensorsCheckpoint.SingleFileName),
            [.. withoutHead, (WeightNames.OutputHead, embedding)]);

        using var tied = LlavaForConditionalGeneration.FromPretrained(tiedDir.Path, new ModelOptions());
        using var untied = LlavaForConditionalGeneration.FromPretrained(untiedDir.Path, new ModelOptions());

        Assert.True(tied.language_model.TiesWordEmbeddings);
        Assert.Same(tied.language_model.model.embed_tokens.weight, tied.language_model.lm_head.weight);
        Assert.Equal(0.0, LastLogitsDiff(tied, untied, "text_only"));
    }

    [Fact]
    public void DerivedBuffersInTheCheckpointAreIgnored()
    {
        using var dir = new TempDir();
        using var invFreq = ones(8);
        using var positionIds = arange(0, 37, 1, ScalarType.Int64).unsqueeze(0);
        Checkpoints.WriteFixtureVariant(dir.Path, tensors =>
        [
            .. tensors,
            ("language_model.model.layers.0.self_attn.rotary_emb.inv_freq", invFreq),
            ("vision_tower.vision_model.embeddings.position_ids", positionIds),
        ]);

        using var loaded = LlavaForConditionalGeneration.FromPretrained(dir.Path, new ModelOptions());

        Assert.Equal(0.0, LastLogitsDiff(loaded, TinyModel.Float32, "single_gradient"));
    }

    [Fact]
    public void FullStrategyKeepsTheClassTokenRowInFront()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path, config => config["vision_feature_select_strategy"] = "full");
        Checkpoints.CopyFixtureWeights(dir.Path);
        using var full = LlavaForConditionalGeneration.FromPretrained(dir.Path, new ModelOptions());
        Assert.Equal(37, full.Config.ImageSeqLen);

        using var pixels = Golden.Pixels(["gradient_84x84.png", "landscape_640x480.png"]);
        using var withClass = full.GetImageFeatures(pixels);
        using var withoutClass = TinyModel.Float32.GetImageFeatures(pixels);

        Assert.Equal([2, 37, 64], withClass.shape);
        Assert.Equal([2, 36, 64], withoutClass.shape);
        using var patchRows = withClass.narrow(1, 1, 36);
        Assert.True(patchRows.allclose(withoutClass, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void AnotherFeatureLayerSelectsADifferentHiddenState()
    {
        using var dir = new TempDir();
        Checkpoints.WriteConfig(dir.Path, config => config["vision_feature_layer"] = 2);
        Checkpoints.CopyFixtureWeights(dir.Path);
        using var sameLayer = LlavaForConditionalGeneration.FromPretrained(dir.Path, new ModelOptions());
        Checkpoints.WriteConfig(dir.Path, config => config["vision_feature_layer"] = -1);
        using var lastLayer = LlavaForConditionalGeneration.FromPretrained(dir.Path, new ModelOptions());

        using var pixels = Golden.Pixels(["photo_200x150_q90.jpg"]);
        using var reference = TinyModel.Float32.GetImageFeatures(pixels);
        using var fromIndexTwo = sameLayer.GetImageFeatures(pixels);
        using var fromLast = lastLayer.GetImageFeatures(pixels);

        // With 3 layers, index 2 and index -2 both name hidden_states[2]; -1 names the last layer's output.
        Assert.True(TensorCompare.Identical(fromIndexTwo, reference));
        Assert.False(fromLast.allclose(reference, rtol: 0, atol: 1e-3));
    }

    private static double LastLogitsDiff(LlavaForConditionalGeneration a, LlavaForConditionalGeneration b, string caseName)
    {
        var goldenCase = Golden.Case(caseName);
        using var logitsA = Prefill(a, goldenCase);
        using var logitsB = Prefill(b, goldenCase);
        using var difference = (logitsA - logitsB).abs().max();
        return difference.item<float>();
    }

    private static Tensor Prefill(LlavaForConditionalGeneration model, GoldenCase goldenCase)
    {
        using var cache = model.CreateKvCache(1, 128);
        using var embeds = TinyModel.PromptEmbeds(model, goldenCase);
        return model.ForwardCached(embeds, ForwardBatch.Single(cache.AllocateSlot(), 0, goldenCase.InputIds.Length), cache);
    }
}
