using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Model;
using Llava.Model.Config;
using Llava.Model.Weights;
using Llava.TestSupport;
using LlavaBench.Measurement;
using LlavaBench.Modeling;
using static TorchSharp.torch;

namespace LlavaBench.Tests;

/// <remarks>In <see cref="RealScaleCollection"/>: the real-scale question measures the whole process's peak RSS.</remarks>
[Collection(RealScaleCollection.Name)]
public sealed class Llava15HubLayoutTests : IDisposable
{
    /// <summary><c>config.json</c> of llava-hf/llava-1.5-7b-hf as published on the hub (transformers 4.36.0.dev0).</summary>
    private const string HubConfig = """
        {
          "architectures": ["LlavaForConditionalGeneration"],
          "ignore_index": -100,
          "image_token_index": 32000,
          "model_type": "llava",
          "pad_token_id": 32001,
          "projector_hidden_act": "gelu",
          "text_config": {
            "_name_or_path": "lmsys/vicuna-7b-v1.5",
            "architectures": ["LlamaForCausalLM"],
            "max_position_embeddings": 4096,
            "model_type": "llama",
            "rms_norm_eps": 1e-05,
            "torch_dtype": "float16",
            "vocab_size": 32064
          },
          "tie_word_embeddings": false,
          "torch_dtype": "float16",
          "transformers_version": "4.36.0.dev0",
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

    /// <summary>The 7B layout at toy size: two shards of a few MB, same key names and config fields.</summary>
    private static readonly Llava15HubLayout Small = new()
    {
        TextHiddenSize = 64,
        TextIntermediateSize = 128,
        TextLayers = 2,
        TextHeads = 4,
        MaxPositionEmbeddings = 256,
        VisionHiddenSize = 32,
        VisionIntermediateSize = 64,
        VisionLayers = 2,
        VisionHeads = 4,
        ImageSize = 28,
        MaxShardBytes = 3_000_000,
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llava-hub-layout-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void TheConfigIsTheHubsFieldForField()
    {
        var ours = new Llava15HubLayout().ToConfigJson();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(HubConfig), ours), ours.ToJsonString());
        Assert.Equal(JsonNode.Parse(HubConfig)!.AsObject().Select(p => p.Key), ours.Select(p => p.Key));
        var config = LlavaConfig.Parse(ours.ToJsonString(), "7b");
        Assert.Equal((4096, 11008, 32, 32), (config.Text.HiddenSize, config.Text.IntermediateSize, config.Text.NumHiddenLayers, config.Text.NumAttentionHeads));
        Assert.Equal(576, config.ImageSeqLen);
    }

    [Fact]
    public void TheIndexHasTheHubsThreeShardsKeysAndTotalSize()
    {
        var plan = new Llava15HubLayout().Plan();
        var index = plan.ToIndexJson();
        var weightMap = index["weight_map"]!.AsObject();

        Assert.Equal(14_126_854_144, index["metadata"]!["total_size"]!.GetValue<long>());
        Assert.Equal(7_063_427_072, plan.ParameterCount);
        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"],
            plan.Shards.Select(s => s.FileName));
        Assert.All(plan.Shards, s => Assert.InRange(s.Tensors.Sum(t => t.Elements) * 2, 4_000_000_000, 5_000_000_000));
        // 391 CLIP tensors (embeddings, pre/post norms, 24 × 16 per layer), 4 projector, 291 Llama (32 × 9, embed, norm, head).
        Assert.Equal(686, weightMap.Count);
        Assert.Equal(weightMap.Select(e => e.Key).Order(StringComparer.Ordinal), weightMap.Select(e => e.Key));
        Assert.Equal("model-00001-of-00003.safetensors", (string?)weightMap["vision_tower.vision_model.embeddings.class_embedding"]);
        Assert.Equal("model-00001-of-00003.safetensors", (string?)weightMap["language_model.model.layers.10.self_attn.q_proj.weight"]);
        Assert.Equal("model-00002-of-00003.safetensors", (string?)weightMap["language_model.model.layers.10.self_attn.k_proj.weight"]);
        Assert.Equal("model-00003-of-00003.safetensors", (string?)weightMap["language_model.lm_head.weight"]);
        Assert.Equal([4096L, 11008], plan.Shards.SelectMany(s => s.Tensors).Single(t => t.Name == "language_model.model.layers.31.mlp.down_proj.weight").Shape);
        Assert.Equal([577L, 1024], plan.Shards[0].Tensors.Single(t => t.Name.EndsWith("position_embedding.weight", StringComparison.Ordinal)).Shape);
    }

    [Fact]
    public void TheKeysAreExactlyTheParametersTheModelLoads()
    {
        var config = LlavaConfig.Parse(Small.ToConfigJson().ToJsonString(), "small");
        using var skeleton = new LlavaForConditionalGeneration(config, CPU, ScalarType.Float32);
        var parameters = skeleton.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        var tensors = Small.Tensors();

        Assert.Equal(parameters.Keys.Order(StringComparer.Ordinal), tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tensors, t => Assert.Equal(parameters[t.Name], t.Shape));
    }

    [Fact]
    public async Task AScaledDownCheckpointIsWrittenInFloat16ShardsAndTheRealScaleQuestionRunsOnIt()
    {
        var generated = HubLayoutGenerator.Ensure(_directory, Small, RepoPaths.FixtureModel, TextWriter.Null);

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, SafeTensorsCheckpoint.IndexFileName)))!;
        var shards = index["weight_map"]!.AsObject().Select(e => (string)e.Value!).Distinct().Order().ToList();
        Assert.True(shards.Count > 1);
        Assert.All(shards, s => Assert.Matches($"^model-0000[0-9]-of-0000{shards.Count}\\.safetensors$", s));
        Assert.Equal(Small.Plan().TotalBytes, new DirectoryInfo(_directory).GetFiles("*.safetensors").Sum(f => f.Length) - HeaderBytes(shards));
        using (var header = JsonDocument.Parse(Header(Path.Combine(_directory, shards[0]))))
            Assert.All(header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__"), p => Assert.Equal("F16", p.Value.GetProperty("dtype").GetString()));
        Assert.Equal(generated, HubLayoutGenerator.Ensure(_directory, Small, RepoPaths.FixtureModel, TextWriter.Null));

        var run = await RealScaleQuestion.MeasureAsync(_directory, "bfloat16", maxTokens: 2, maxModelLength: 64,
            RealScaleQuestion.SquareImage, CancellationToken.None);

        Assert.Equal(2, run.CompletionTokens);
        Assert.StartsWith("bfloat16", run.Precision);
        Assert.InRange(run.PromptTokens, Small.ImageSize / 14 * (Small.ImageSize / 14) + 5, 40);
        Assert.True(run.FirstTokenSeconds <= run.AnswerSeconds);
        Assert.True(run.PeakRssBytes >= run.RssAfterBytes);
        Assert.Equal(["real-scale-load", "real-scale-answer", "real-scale-peak-rss"], run.Targets.Select(t => t.Name));
    }

    private long HeaderBytes(IEnumerable<string> shards) => shards.Sum(s => 8 + Header(Path.Combine(_directory, s)).Length);

    private static string Header(string path)
    {
        using var file = File.OpenRead(path);
        var length = new byte[8];
        file.ReadExactly(length);
        var header = new byte[BitConverter.ToInt64(length)];
        file.ReadExactly(header);
        return System.Text.Encoding.UTF8.GetString(header);
    }
}
