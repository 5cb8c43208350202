using System.Text.Json.Nodes;

namespace LlavaBench.Modeling;

/// <summary>
/// The on-disk layout of <c>llava-hf/llava-1.5-7b-hf</c> with random values: the hub's <c>config.json</c> (the same
/// fields, in the same order; Llama dimensions are left to <c>LlamaConfig</c>'s defaults, as the hub leaves them),
/// its tensor keys in transformers 4.36's state-dict order (module registration order: the CLIP tower with
/// k/v/q/out projections, the projector, then the Llama decoder with q/k/v/o), float16 values, and its sharding:
/// transformers' <c>save_pretrained</c> at <c>max_shard_size="5GB"</c> (5·10⁹ bytes), which gives the hub's three
/// <c>model-0000i-of-00003.safetensors</c> files and <c>total_size</c> 14,126,854,144. The defaults are the 7B model;
/// tests scale it down.
/// </summary>
public sealed record Llava15HubLayout : IHubLayout
{
    public const string Id = "llava-hf/llava-1.5-7b-hf";
    public const int ElementBytes = 2;

    /// <summary>Hugging Face <c>LlamaConfig</c>'s defaults, which the hub's config relies on (Llama-2 7B).</summary>
    private static readonly Llava15HubLayout LlamaDefaults = new();

    public int TextHiddenSize { get; init; } = 4096;
    public int TextIntermediateSize { get; init; } = 11008;
    public int TextLayers { get; init; } = 32;
    public int TextHeads { get; init; } = 32;
    public int VocabSize { get; init; } = 32064;
    public int MaxPositionEmbeddings { get; init; } = 4096;
    public int VisionHiddenSize { get; init; } = 1024;
    public int VisionIntermediateSize { get; init; } = 4096;
    public int VisionLayers { get; init; } = 24;
    public int VisionHeads { get; init; } = 16;
    public int ImageSize { get; init; } = 336;
    public int PatchSize { get; init; } = 14;
    public long MaxShardBytes { get; init; } = 5_000_000_000;
    public ulong Seed { get; init; } = 20231205;

    public string HubId => Id;

    public ShardPlan Plan() => ShardPlan.Of(Tensors(), ElementBytes, MaxShardBytes);

    /// <summary>CLIP's preprocessing at the tower's size, as the hub's <c>preprocessor_config.json</c> has it.</summary>
    public JsonObject PreprocessorJson() => BenchModelSpec.PreprocessorJson(ImageSize);

    /// <summary>None: the bench tokenizer source is a LLaVA-1.5 folder already.</summary>
    public IReadOnlyDictionary<string, string> ProcessorFiles() => new Dictionary<string, string>();

    /// <summary><c>config.json</c>; a scaled-down layout adds the Llama dimensions that differ from the defaults.</summary>
    public JsonObject ToConfigJson()
    {
        var text = new List<(string, JsonNode?)>
        {
            ("_name_or_path", "lmsys/vicuna-7b-v1.5"),
            ("architectures", new JsonArray("LlamaForCausalLM")),
            ("max_position_embeddings", MaxPositionEmbeddings),
            ("model_type", "llama"),
            ("rms_norm_eps", 1e-05),
            ("torch_dtype", "float16"),
            ("vocab_size", VocabSize),
        };
        if (TextHiddenSize != LlamaDefaults.TextHiddenSize) text.Add(("hidden_size", TextHiddenSize));
        if (TextIntermediateSize != LlamaDefaults.TextIntermediateSize) text.Add(("intermediate_size", TextIntermediateSize));
        if (TextHeads != LlamaDefaults.TextHeads) text.Add(("num_attention_heads", TextHeads));
        if (TextLayers != LlamaDefaults.TextLayers) text.Add(("num_hidden_layers", TextLayers));
        return new JsonObject
        {
            ["architectures"] = new JsonArray("LlavaForConditionalGeneration"),
            ["ignore_index"] = -100,
            ["image_token_index"] = 32000,
            ["model_type"] = "llava",
            ["pad_token_id"] = 32001,
            ["projector_hidden_act"] = "gelu",
            ["text_config"] = HubConfigJson.Sorted(text),
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "float16",
            ["transformers_version"] = "4.36.0.dev0",
            ["vision_config"] = HubConfigJson.VisionConfig(VisionHiddenSize, ImageSize, VisionIntermediateSize, VisionHeads, VisionLayers, PatchSize),
            ["vision_feature_layer"] = -2,
            ["vision_feature_select_strategy"] = "default",
            ["vocab_size"] = VocabSize,
        };
    }

    /// <summary>Every key with its shape, in the order transformers 4.36 saved the state dict.</summary>
    public IReadOnlyList<TensorSpec> Tensors() => HubTensors.Of(new HubDimensions(
        VisionHiddenSize, VisionIntermediateSize, VisionLayers, ImageSize, PatchSize,
        TextHiddenSize, TextIntermediateSize, TextLayers, TextHeads, TextHeads, VocabSize), imageNewline: false);
}
