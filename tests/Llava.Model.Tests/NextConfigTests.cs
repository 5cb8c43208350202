using Llava.Model.Config;
using Llava.TestSupport;

namespace Llava.Model.Tests;

/// <summary>LLaVA-NeXT and transformers 5 configs: HF's defaults for what they omit, and clear refusals.</summary>
public sealed class NextConfigTests
{
    [Fact]
    public void MinimalNextConfigGetsLlavaNextConfigDefaults()
    {
        var config = LlavaConfig.Parse("""{"architectures": ["LlavaNextForConditionalGeneration"]}""", "config.json");

        Assert.True(config.IsNext);
        Assert.Equal([[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]], config.GridPinpoints);
        Assert.Equal("default", config.VisionFeatureSelectStrategy);
        Assert.Equal(-2, config.VisionFeatureLayer);
        Assert.Equal(32000, config.ImageTokenIdResolved);
        Assert.Equal(576, config.ImageSeqLen);
        Assert.Equal("llama", config.Text.ModelType);
    }

    [Fact]
    public void Mistral7bNextConfigResolvesAsTransformersDoes()
    {
        // llava-hf/llava-v1.6-mistral-7b-hf's config.json, as published.
        var config = LlavaConfig.Parse("""
            {
              "architectures": ["LlavaNextForConditionalGeneration"], "ignore_index": -100,
              "image_grid_pinpoints": [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]],
              "image_token_index": 32000, "model_type": "llava_next", "projector_hidden_act": "gelu",
              "text_config": {"_name_or_path": "mistralai/Mistral-7B-Instruct-v0.2", "architectures": ["MistralForCausalLM"],
                              "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
                              "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
                              "sliding_window": null, "torch_dtype": "bfloat16", "vocab_size": 32064},
              "torch_dtype": "float16", "transformers_version": "4.39.0.dev0", "use_image_newline_parameter": true,
              "vision_config": {"hidden_size": 1024, "image_size": 336, "intermediate_size": 4096,
                                "model_type": "clip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 24,
                                "patch_size": 14, "projection_dim": 768, "vocab_size": 32000},
              "vision_feature_layer": -2, "vision_feature_select_strategy": "default", "vocab_size": 32064
            }
            """, "config.json");

        var text = config.Text;
        Assert.Equal((4096, 14336, 32, 32, 8, 128), (text.HiddenSize, text.IntermediateSize, text.NumHiddenLayers, text.NumAttentionHeads, text.KeyValueHeads, text.AttentionHeadDim));
        Assert.Equal(32768, text.MaxPositionEmbeddings);
        Assert.Equal(1e6, text.RopeTheta);
        Assert.Null(text.SlidingWindow);
        Assert.Equal(32064, text.VocabSize);
    }

    [Fact]
    public void MistralTextConfigTakesMistralDefaultsNotLlamas()
    {
        var config = LlavaConfig.Parse(
            """{"model_type": "llava_next", "text_config": {"model_type": "mistral", "sliding_window": null}}""", "config.json");

        Assert.Equal((14336, 8, 131072), (config.Text.IntermediateSize, config.Text.KeyValueHeads, config.Text.MaxPositionEmbeddings));
    }

    [Fact]
    public void Transformers5RopeParametersAndDtypeAreRead()
    {
        var config = LlavaConfig.Parse("""
            {"model_type": "llava_next", "dtype": "bfloat16",
             "text_config": {"model_type": "llama", "dtype": "bfloat16",
                             "rope_parameters": {"rope_theta": 500000.0, "rope_type": "linear", "factor": 2.0}}}
            """, "config.json");

        Assert.Equal(500000.0, config.Text.RopeTheta);
        Assert.Equal(("linear", 2.0), (config.Text.RopeScaling!.Kind, config.Text.RopeScaling.Factor));
        Assert.Equal("bfloat16", config.CheckpointDtype);
    }

    [Fact]
    public void Transformers5SavedLlava15ConfigLoads()
    {
        var dir = Path.Combine(NextGolden.Folder, "models", "llava15-v5");
        var config = LlavaConfig.Load(dir);
        var original = LlavaConfig.Load(RepoPaths.FixtureModel);

        Assert.False(config.IsNext);
        Assert.Equal(original.Text.RopeTheta, config.Text.RopeTheta);
        Assert.Equal(original.Text.HiddenSize, config.Text.HiddenSize);
        Assert.Equal(original.ImageSeqLen, config.ImageSeqLen);
        Assert.Equal("float32", config.CheckpointDtype);
    }

    [Theory]
    [InlineData("""{"model_type": "llava_next", "image_grid_pinpoints": []}""", "image_grid_pinpoints is empty")]
    [InlineData("""{"model_type": "llava_next", "image_grid_pinpoints": [[336, 500]]}""", "multiple of vision_config.image_size 336")]
    [InlineData("""{"model_type": "llava_next", "image_grid_pinpoints": [[336]]}""", "must be [height, width]")]
    [InlineData("""{"model_type": "llava_next", "vision_feature_select_strategy": "full"}""", "cannot be tiled")]
    [InlineData("""{"model_type": "llava_next", "text_config": {"model_type": "mistral"}}""", "sliding_window 4096")]
    [InlineData("""{"model_type": "llava_next", "text_config": {"model_type": "mistral", "sliding_window": 4096, "max_position_embeddings": 32768}}""", "sliding-window attention is not implemented")]
    public void BadNextConfigsAreRejectedWithTheReason(string json, string expectedFragment)
    {
        var error = Assert.Throws<ModelLoadException>(() => LlavaConfig.Parse(json, "/models/next/config.json"));
        Assert.Contains(expectedFragment, error.Message);
    }

    [Fact]
    public void AWindowCoveringEveryPositionIsAccepted()
    {
        var config = LlavaConfig.Parse(
            """{"model_type": "llava_next", "text_config": {"model_type": "mistral", "sliding_window": 4096, "max_position_embeddings": 4096}}""",
            "config.json");
        Assert.Equal(4096, config.Text.SlidingWindow);
    }
}
