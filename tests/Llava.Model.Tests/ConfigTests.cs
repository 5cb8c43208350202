using Llava.Model.Config;
using Llava.Model.Language;
using Llava.Model.Tests.Support;
using Llava.TestSupport;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

public sealed class ConfigTests
{
    [Fact]
    public void FixtureConfigResolvesToTheReferenceHyperParameters()
    {
        var config = LlavaConfig.Load(RepoPaths.FixtureModel);
        var resolved = Golden.Root.GetProperty("resolved_config");
        var text = resolved.GetProperty("text");
        var vision = resolved.GetProperty("vision");

        Assert.Equal(resolved.GetProperty("image_token_index").GetInt32(), config.ImageTokenIdResolved);
        Assert.Equal(resolved.GetProperty("projector_hidden_act").GetString(), config.ProjectorHiddenAct);
        Assert.Equal(resolved.GetProperty("vision_feature_select_strategy").GetString(), config.VisionFeatureSelectStrategy);
        Assert.Equal(resolved.GetProperty("vision_feature_layer").GetInt32(), config.VisionFeatureLayer);
        Assert.Equal(resolved.GetProperty("multimodal_projector_bias").GetBoolean(), config.MultimodalProjectorBias);
        Assert.Equal(Golden.Root.GetProperty("image_seq_len").GetInt32(), config.ImageSeqLen);

        Assert.Equal(text.GetProperty("vocab_size").GetInt32(), config.Text.VocabSize);
        Assert.Equal(text.GetProperty("hidden_size").GetInt32(), config.Text.HiddenSize);
        Assert.Equal(text.GetProperty("intermediate_size").GetInt32(), config.Text.IntermediateSize);
        Assert.Equal(text.GetProperty("num_hidden_layers").GetInt32(), config.Text.NumHiddenLayers);
        Assert.Equal(text.GetProperty("num_attention_heads").GetInt32(), config.Text.NumAttentionHeads);
        Assert.Equal(text.GetProperty("num_key_value_heads").GetInt32(), config.Text.KeyValueHeads);
        Assert.Equal(text.GetProperty("head_dim").GetInt32(), config.Text.AttentionHeadDim);
        Assert.Equal(text.GetProperty("hidden_act").GetString(), config.Text.HiddenAct);
        Assert.Equal(text.GetProperty("max_position_embeddings").GetInt32(), config.Text.MaxPositionEmbeddings);
        Assert.Equal(text.GetProperty("rms_norm_eps").GetDouble(), config.Text.RmsNormEps);
        Assert.Equal(text.GetProperty("rope_theta").GetDouble(), config.Text.RopeTheta);
        Assert.Null(config.Text.RopeScaling);
        Assert.Equal(text.GetProperty("attention_bias").GetBoolean(), config.Text.AttentionBias);
        Assert.Equal(text.GetProperty("mlp_bias").GetBoolean(), config.Text.MlpBias);
        Assert.Equal(text.GetProperty("tie_word_embeddings").GetBoolean(), config.Text.TieWordEmbeddings);

        Assert.Equal(vision.GetProperty("hidden_size").GetInt32(), config.Vision.HiddenSize);
        Assert.Equal(vision.GetProperty("intermediate_size").GetInt32(), config.Vision.IntermediateSize);
        Assert.Equal(vision.GetProperty("num_hidden_layers").GetInt32(), config.Vision.NumHiddenLayers);
        Assert.Equal(vision.GetProperty("num_attention_heads").GetInt32(), config.Vision.NumAttentionHeads);
        Assert.Equal(vision.GetProperty("num_channels").GetInt32(), config.Vision.NumChannels);
        Assert.Equal(vision.GetProperty("image_size").GetInt32(), config.Vision.ImageSize);
        Assert.Equal(vision.GetProperty("patch_size").GetInt32(), config.Vision.PatchSize);
        Assert.Equal(vision.GetProperty("hidden_act").GetString(), config.Vision.HiddenAct);
        Assert.Equal(vision.GetProperty("layer_norm_eps").GetDouble(), config.Vision.LayerNormEps);
    }

    [Fact]
    public void MinimalConfigGetsHuggingFaceDefaults()
    {
        var config = LlavaConfig.Parse("""{"architectures": ["LlavaForConditionalGeneration"]}""", "config.json");

        Assert.Equal(32000, config.ImageTokenIdResolved);
        Assert.Equal("gelu", config.ProjectorHiddenAct);
        Assert.Equal("default", config.VisionFeatureSelectStrategy);
        Assert.Equal(-2, config.VisionFeatureLayer);
        Assert.True(config.MultimodalProjectorBias);
        Assert.False(config.TieWordEmbeddings);

        var text = config.Text;
        Assert.Equal((32000, 4096, 11008, 32, 32), (text.VocabSize, text.HiddenSize, text.IntermediateSize, text.NumHiddenLayers, text.NumAttentionHeads));
        Assert.Equal(32, text.KeyValueHeads);
        Assert.Equal(128, text.AttentionHeadDim);
        Assert.Equal("silu", text.HiddenAct);
        Assert.Equal(2048, text.MaxPositionEmbeddings);
        Assert.Equal(1e-6, text.RmsNormEps);
        Assert.Equal(10000.0, text.RopeTheta);
        Assert.False(text.AttentionBias);
        Assert.False(text.MlpBias);
        Assert.Equal(1, text.BosTokenId);
        Assert.Equal([2], text.EosTokenId);

        // Missing vision_config means CLIP ViT-L/14 at 336 px, as LlavaConfig builds it.
        var vision = config.Vision;
        Assert.Equal((1024, 4096, 24, 16, 336, 14), (vision.HiddenSize, vision.IntermediateSize, vision.NumHiddenLayers, vision.NumAttentionHeads, vision.ImageSize, vision.PatchSize));
        Assert.Equal("quick_gelu", vision.HiddenAct);
        Assert.Equal(1e-5, vision.LayerNormEps);
        Assert.Equal(576, config.ImageSeqLen);
        Assert.Equal(23, config.VisionFeatureLayerIndex);
    }

    [Fact]
    public void PartialLlava15StyleConfigFillsTheGaps()
    {
        var config = LlavaConfig.Parse("""
            {
              "architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
              "text_config": {"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 4096,
                              "model_type": "llama", "rms_norm_eps": 1e-05, "torch_dtype": "float16", "vocab_size": 32064},
              "vision_config": {"hidden_size": 1024, "image_size": 336, "intermediate_size": 4096,
                                "model_type": "clip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 24,
                                "patch_size": 14, "projection_dim": 768, "vocab_size": 32000},
              "vision_feature_select_strategy": "full"
            }
            """, "config.json");

        Assert.Equal((32064, 4096, 32, 32, 128), (config.Text.VocabSize, config.Text.HiddenSize, config.Text.NumHiddenLayers, config.Text.KeyValueHeads, config.Text.AttentionHeadDim));
        Assert.Equal(4096, config.Text.MaxPositionEmbeddings);
        Assert.Equal(1e-5, config.Text.RmsNormEps);
        Assert.Equal("float16", config.CheckpointDtype);
        Assert.Equal(577, config.ImageSeqLen);
    }

    [Fact]
    public void ModelTypeLlavaSufficesWithoutArchitectures()
    {
        var config = LlavaConfig.Parse("""{"model_type": "llava", "eos_token_id": 2, "text_config": {"eos_token_id": [2, 7]}}""", "config.json");
        Assert.Equal([2, 7], config.Text.EosTokenId);
    }

    [Theory]
    [InlineData("""{"architectures": ["LlavaQwenForCausalLM"]}""", "LlavaNextForConditionalGeneration")]
    [InlineData("""{"architectures": ["LlavaLlamaForCausalLM"], "model_type": "llava"}""", "original LLaVA repository format")]
    [InlineData("""{"model_type": "llama"}""", "model_type 'llama'")]
    [InlineData("""{"model_type": "llava", "vision_feature_select_strategy": "cls"}""", "vision_feature_select_strategy")]
    [InlineData("""{"model_type": "llava", "vision_feature_layer": -26}""", "vision_feature_layer -26")]
    [InlineData("""{"model_type": "llava", "vision_feature_layer": 25}""", "vision_feature_layer 25")]
    [InlineData("""{"model_type": "llava", "vision_feature_layer": [-2, -5]}""", "list of vision feature layers")]
    [InlineData("""{"model_type": "llava", "projector_hidden_act": "mish"}""", "projector_hidden_act 'mish'")]
    [InlineData("""{"model_type": "llava", "text_config": {"hidden_act": "gegelu"}}""", "text_config.hidden_act 'gegelu'")]
    [InlineData("""{"model_type": "llava", "text_config": {"rope_scaling": {"type": "dynamic", "factor": 2.0}}}""", "rope_scaling type 'dynamic'")]
    [InlineData("""{"model_type": "llava", "text_config": {"model_type": "gemma"}}""", "text_config.model_type")]
    [InlineData("""{"model_type": "llava", "vision_config": {"model_type": "siglip_vision_model"}}""", "vision_config.model_type")]
    [InlineData("""{"model_type": "llava", "text_config": {"num_attention_heads": 32, "num_key_value_heads": 5}}""", "num_key_value_heads 5")]
    [InlineData("""{"model_type": "llava", "text_config": {"hidden_size": 100}}""", "not divisible")]
    [InlineData("""{"model_type": "llava", "text_config": {"vocab_size": "many"}}""", "$.text_config.vocab_size")]
    [InlineData("""{"model_type": "llava",""", "invalid configuration")]
    public void InvalidConfigsAreRejectedWithTheReason(string json, string expectedFragment)
    {
        var error = Assert.Throws<ModelLoadException>(() => LlavaConfig.Parse(json, "/models/x/config.json"));
        Assert.Contains("/models/x/config.json", error.Message);
        Assert.Contains(expectedFragment, error.Message);
    }

    [Fact]
    public void FeatureLayerZeroAndTheFullRangeAreAccepted()
    {
        foreach (var layer in new[] { -25, 0, 24 })
        {
            var config = LlavaConfig.Parse($$"""{"model_type": "llava", "vision_feature_layer": {{layer}}}""", "config.json");
            Assert.Equal(layer < 0 ? 25 + layer : layer, config.VisionFeatureLayerIndex);
        }
    }

    [Fact]
    public void LinearRopeScalingStretchesPositions()
    {
        var plain = new LlamaTextConfig { HiddenSize = 64, NumAttentionHeads = 4, MaxPositionEmbeddings = 64 };
        var scaled = new LlamaTextConfig
        {
            HiddenSize = 64, NumAttentionHeads = 4, MaxPositionEmbeddings = 64,
            RopeScaling = new RopeScaling { Type = "linear", Factor = 4.0 },
        };
        using var plainRotary = new RotaryEmbedding(plain, CPU);
        using var scaledRotary = new RotaryEmbedding(scaled, CPU);
        using var positions = tensor(new long[] { 0, 3, 5, 15 });
        using var stretched = tensor(new long[] { 0, 12, 20, 60 });

        var (plainCos, plainSin) = plainRotary.ForPositions(positions, ScalarType.Float32);
        var (scaledCos, scaledSin) = scaledRotary.ForPositions(stretched, ScalarType.Float32);
        using (plainCos) using (plainSin) using (scaledCos) using (scaledSin)
        {
            Assert.True(plainCos.allclose(scaledCos, rtol: 1e-5, atol: 1e-5));
            Assert.True(plainSin.allclose(scaledSin, rtol: 1e-5, atol: 1e-5));
        }
    }
}
