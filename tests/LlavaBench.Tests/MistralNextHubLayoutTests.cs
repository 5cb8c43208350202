using System.Text.Json.Nodes;
using Llava.Model;
using Llava.Model.AnyResolution;
using Llava.Model.Config;
using Llava.Model.Weights;
using Llava.TestSupport;
using LlavaBench.Measurement;
using LlavaBench.Modeling;
using static TorchSharp.torch;

namespace LlavaBench.Tests;

/// <remarks>In <see cref="RealScaleCollection"/>: the real-scale question measures the whole process's peak RSS.</remarks>
[Collection(RealScaleCollection.Name)]
public sealed class MistralNextHubLayoutTests : IDisposable
{
    /// <summary><c>config.json</c> of llava-hf/llava-v1.6-mistral-7b-hf as published on the hub (transformers 4.39.0.dev0).</summary>
    private const string HubConfig = """
        {
          "architectures": ["LlavaNextForConditionalGeneration"],
          "ignore_index": -100,
          "image_grid_pinpoints": [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]],
          "image_token_index": 32000,
          "model_type": "llava_next",
          "projector_hidden_act": "gelu",
          "text_config": {
            "_name_or_path": "mistralai/Mistral-7B-Instruct-v0.2",
            "architectures": ["MistralForCausalLM"],
            "intermediate_size": 14336,
            "max_position_embeddings": 32768,
            "model_type": "mistral",
            "num_key_value_heads": 8,
            "rms_norm_eps": 1e-05,
            "rope_theta": 1000000.0,
            "sliding_window": null,
            "torch_dtype": "bfloat16",
            "vocab_size": 32064
          },
          "torch_dtype": "float16",
          "transformers_version": "4.39.0.dev0",
          "use_image_newline_parameter": true,
          "vision_config": {
            "hidden_size": 1024,
            "image_size": 336,
            "intermediate_size": 4096,
            "model_type": "clip_vision_model",
            "num_attention_heads": 16,
            "num_hidden_layers": 24,
            "patch_size": 14,
            "projection_dim": 768,
            "vocab_size": 32000
          },
          "vision_feature_layer": -2,
          "vision_feature_select_strategy": "default",
          "vocab_size": 32064
        }
        """;

    /// <summary>The 7B layout at toy size: a few shards of a few MB, same key names and config fields, GQA kept.</summary>
    private static readonly MistralNextHubLayout Small = new()
    {
        TextHiddenSize = 64,
        TextIntermediateSize = 128,
        TextLayers = 2,
        TextHeads = 4,
        KeyValueHeads = 2,
        MaxPositionEmbeddings = 4096,
        VisionHiddenSize = 32,
        VisionIntermediateSize = 64,
        VisionLayers = 2,
        VisionHeads = 4,
        ImageSize = 28,
        MaxShardBytes = 3_000_000,
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llava-next-layout-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void TheConfigIsTheHubsFieldForField()
    {
        var ours = new MistralNextHubLayout().ToConfigJson();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(HubConfig), ours), ours.ToJsonString());
        Assert.Equal(JsonNode.Parse(HubConfig)!.AsObject().Select(p => p.Key), ours.Select(p => p.Key));
        var config = LlavaConfig.Parse(ours.ToJsonString(), "7b");
        Assert.True(config.IsNext);
        Assert.Equal((4096, 14336, 32, 32, 8), (config.Text.HiddenSize, config.Text.IntermediateSize, config.Text.NumHiddenLayers,
            config.Text.NumAttentionHeads, config.Text.KeyValueHeads));
        Assert.Equal([[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]], config.GridPinpoints);
    }

    [Fact]
    public void TheIndexHasFourFloat16ShardsOfTheKeysInStateDictOrder()
    {
        var plan = new MistralNextHubLayout().Plan();
        var weightMap = plan.ToIndexJson()["weight_map"]!.AsObject();

        // Mistral 7B with LLaVA's 32064 rows (7,242,256,384), CLIP ViT-L/14-336 (303,507,456), projector, image_newline.
        Assert.Equal(7_566_747_648, plan.ParameterCount);
        Assert.Equal(2 * plan.ParameterCount, plan.TotalBytes);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => $"model-0000{i}-of-00004.safetensors"), plan.Shards.Select(s => s.FileName));
        Assert.All(plan.Shards, s => Assert.True(s.Tensors.Sum(t => t.Elements) * 2 <= 5_000_000_000));
        // image_newline, 391 CLIP tensors, 4 projector, 291 Mistral (32 × 9, embed, norm, head).
        Assert.Equal(687, weightMap.Count);
        Assert.Equal("image_newline", plan.Shards[0].Tensors[0].Name);
        Assert.Equal("model-00004-of-00004.safetensors", (string?)weightMap["language_model.lm_head.weight"]);
        var tensors = plan.Shards.SelectMany(s => s.Tensors).ToDictionary(t => t.Name, t => t.Shape);
        Assert.Equal([1024L, 4096], tensors["language_model.model.layers.0.self_attn.k_proj.weight"]);
        Assert.Equal([4096L, 14336], tensors["language_model.model.layers.31.mlp.down_proj.weight"]);
    }

    [Fact]
    public void TheKeysAreExactlyTheParametersTheModelLoads()
    {
        foreach (var layout in new[] { Small, MistralNextHubLayout.BenchSized })
        {
            var config = LlavaConfig.Parse(layout.ToConfigJson().ToJsonString(), "layout");
            using var skeleton = new LlavaForConditionalGeneration(config, CPU, ScalarType.Float32);
            var parameters = skeleton.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

            var tensors = layout.Tensors();

            Assert.Equal(parameters.Keys.Order(StringComparer.Ordinal), tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.All(tensors, t => Assert.Equal(parameters[t.Name], t.Shape));
        }
        Assert.Equal(169_128_960, MistralNextHubLayout.BenchSized.Plan().ParameterCount);
    }

    [Fact]
    public async Task AScaledDownCheckpointHasTheHubsProcessorFilesAndAnswersAQuestionAboutA640x480Image()
    {
        var generated = HubLayoutGenerator.Ensure(_directory, Small, RepoPaths.FixtureModel, TextWriter.Null);

        Assert.True(File.Exists(Path.Combine(_directory, SafeTensorsCheckpoint.IndexFileName)));
        Assert.Equal(File.ReadAllText(MistralNextHubLayout.ChatTemplateFile), File.ReadAllText(Path.Combine(_directory, "chat_template.json")));
        var processor = JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "processor_config.json")))!;
        Assert.Equal(1, (int)processor["num_additional_image_tokens"]!);
        var preprocessor = JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "preprocessor_config.json")))!;
        Assert.Equal("LlavaNextImageProcessor", (string?)preprocessor["image_processor_type"]);
        Assert.Equal(generated, HubLayoutGenerator.Ensure(_directory, Small, RepoPaths.FixtureModel, TextWriter.Null));

        var run = await RealScaleQuestion.MeasureAsync(_directory, "bfloat16", maxTokens: 2, maxModelLength: 256,
            RealScaleQuestion.LandscapeImage, CancellationToken.None);

        // The image's own position count (base crop, then each kept grid row with its newline) plus the template's text.
        var positions = AnyResolutionGrid.Tile(LlavaConfig.Load(_directory), 480, 640).FeatureCount;
        Assert.Equal(2, run.CompletionTokens);
        Assert.InRange(run.PromptTokens, positions + 5, positions + 30);
    }
}
