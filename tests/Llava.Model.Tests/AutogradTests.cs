using Llava.Model.Tests.Support;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>The no-cache path trains: gradients reach unfrozen parameters through the image features and the decoder.</summary>
public sealed class AutogradTests
{
    private const string Text = """
        {"vocab_size": 300, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2}
        """;

    [Fact]
    public void GradientsFlowToUnfrozenParametersOnly()
    {
        using var model = RandomModels.Create(RandomModels.Config(Text), seed: 21);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        foreach (var parameter in model.multi_modal_projector.parameters()) parameter.requires_grad_(true);
        model.language_model.lm_head.weight.requires_grad_(true);
        model.train();

        using var generator = new Generator(2);
        using var pixels = randn([1, 3, 28, 28], generator: generator);
        // 28 px at patch 14 gives 4 image tokens; the image id 32000 lies outside this 300-word vocabulary.
        using var ids = tensor(new long[] { 1, 32000, 32000, 32000, 32000, 17, 42, 99 });
        using var features = model.GetImageFeatures(pixels);
        using var embeds = model.EmbedPrompt(ids, features);
        using var batched = embeds.unsqueeze(0);
        using var logits = model.Forward(batched);
        using var loss = logits.pow(2).mean();
        loss.backward();

        using (var gradient = model.multi_modal_projector.linear_1.weight.grad)
        using (var magnitude = gradient!.abs().sum())
            Assert.True(magnitude.item<float>() > 0);
        using (var gradient = model.language_model.lm_head.weight.grad)
        using (var magnitude = gradient!.abs().sum())
            Assert.True(magnitude.item<float>() > 0);
        Assert.Null(model.language_model.model.embed_tokens.weight.grad);
        Assert.Null(model.vision_tower.vision_model.pre_layrnorm.weight.grad);

        using var cache = model.CreateKvCache(1, 16);
        using var cached = model.ForwardCached(embeds, ForwardBatch.Single(cache.AllocateSlot(), 0, 8), cache);
        Assert.False(cached.requires_grad);
        Assert.False(cache.Keys(0).requires_grad);
    }
}
