using System.Text.Json.Nodes;

namespace LlavaBench.Modeling;

/// <summary>
/// The on-disk layout of <c>llava-hf/llava-v1.6-mistral-7b-hf</c> with random values: the hub's <c>config.json</c>
/// (the same fields, in the same order; Mistral's hidden size, layers and heads are left to <c>MistralConfig</c>'s
/// defaults, as the hub leaves them), its <c>preprocessor_config.json</c> and <c>processor_config.json</c>, its tensor
/// keys in transformers 4.39's state-dict order (<see cref="HubTensors"/>, with <c>image_newline</c>), float16 values
/// and <c>save_pretrained</c>'s 5·10⁹-byte shards, which give four <c>model-0000i-of-00004.safetensors</c> files. The
/// defaults are the 7B model; tests scale it down.
/// </summary>
public sealed record MistralNextHubLayout : IHubLayout
{
    public const string Id = "llava-hf/llava-v1.6-mistral-7b-hf";

    /// <summary>Hugging Face <c>MistralConfig</c>'s defaults, which the hub's config relies on (Mistral 7B).</summary>
    private static readonly MistralNextHubLayout MistralDefaults = new();

    /// <summary>
    /// The NeXT bench model: the 1.5 bench model's towers (CLIP at 224 px, a 12-layer decoder of width 768) with
    /// Mistral's grouped-query attention (4 key-value heads) in this layout; a 224 px image fills a 2×2 grid plus
    /// the base crop.
    /// </summary>
    public static readonly MistralNextHubLayout BenchSized = new()
    {
        TextHiddenSize = 768,
        TextIntermediateSize = 2048,
        TextLayers = 12,
        TextHeads = 12,
        KeyValueHeads = 4,
        MaxPositionEmbeddings = 4096,
        VisionHiddenSize = 768,
        VisionIntermediateSize = 3072,
        VisionLayers = 6,
        VisionHeads = 12,
        ImageSize = 224,
    };

    public int TextHiddenSize { get; init; } = 4096;
    public int TextIntermediateSize { get; init; } = 14336;
    public int TextLayers { get; init; } = 32;
    public int TextHeads { get; init; } = 32;
    public int KeyValueHeads { get; init; } = 8;
    public int VocabSize { get; init; } = 32064;
    public int MaxPositionEmbeddings { get; init; } = 32768;
    public int VisionHiddenSize { get; init; } = 1024;
    public int VisionIntermediateSize { get; init; } = 4096;
    public int VisionLayers { get; init; } = 24;
    public int VisionHeads { get; init; } = 16;
    public int ImageSize { get; init; } = 336;
    public int PatchSize { get; init; } = 14;
    public long MaxShardBytes { get; init; } = 5_000_000_000;
    public ulong Seed { get; init; } = 20240130;

    public string HubId => Id;

    /// <summary>The hub's grid resolutions, [height, width], in multiples of the crop size.</summary>
    public IReadOnlyList<int[]> GridPinpoints =>
        [[ImageSize, 2 * ImageSize], [2 * ImageSize, ImageSize], [2 * ImageSize, 2 * ImageSize], [3 * ImageSize, ImageSize], [ImageSize, 3 * ImageSize]];

    public ShardPlan Plan() => ShardPlan.Of(Tensors(), Llava15HubLayout.ElementBytes, MaxShardBytes);

    public IReadOnlyList<TensorSpec> Tensors() => HubTensors.Of(new HubDimensions(
        VisionHiddenSize, VisionIntermediateSize, VisionLayers, ImageSize, PatchSize,
        TextHiddenSize, TextIntermediateSize, TextLayers, TextHeads, KeyValueHeads, VocabSize), imageNewline: true);

    /// <summary><c>config.json</c>; a scaled-down layout adds the Mistral dimensions that differ from the defaults.</summary>
    public JsonObject ToConfigJson()
    {
        var text = new List<(string, JsonNode?)>
        {
            ("_name_or_path", "mistralai/Mistral-7B-Instruct-v0.2"),
            ("architectures", new JsonArray("MistralForCausalLM")),
            ("intermediate_size", TextIntermediateSize),
            ("max_position_embeddings", MaxPositionEmbeddings),
            ("model_type", "mistral"),
            ("num_key_value_heads", KeyValueHeads),
            ("rms_norm_eps", 1e-05),
            ("rope_theta", 1000000.0),
            ("sliding_window", null),
            ("torch_dtype", "bfloat16"),
            ("vocab_size", VocabSize),
        };
        if (TextHiddenSize != MistralDefaults.TextHiddenSize) text.Add(("hidden_size", TextHiddenSize));
        if (TextHeads != MistralDefaults.TextHeads) text.Add(("num_attention_heads", TextHeads));
        if (TextLayers != MistralDefaults.TextLayers) text.Add(("num_hidden_layers", TextLayers));
        return new JsonObject
        {
            ["architectures"] = new JsonArray("LlavaNextForConditionalGeneration"),
            ["ignore_index"] = -100,
            ["image_grid_pinpoints"] = Pinpoints(),
            ["image_token_index"] = 32000,
            ["model_type"] = "llava_next",
            ["projector_hidden_act"] = "gelu",
            ["text_config"] = HubConfigJson.Sorted(text),
            ["torch_dtype"] = "float16",
            ["transformers_version"] = "4.39.0.dev0",
            ["use_image_newline_parameter"] = true,
            ["vision_config"] = HubConfigJson.VisionConfig(VisionHiddenSize, ImageSize, VisionIntermediateSize, VisionHeads, VisionLayers, PatchSize),
            ["vision_feature_layer"] = -2,
            ["vision_feature_select_strategy"] = "default",
            ["vocab_size"] = VocabSize,
        };
    }

    /// <summary>The hub's <c>preprocessor_config.json</c>: CLIP's normalisation at the crop size, anyres grid, padding.</summary>
    public JsonObject PreprocessorJson() => new()
    {
        ["aspect_ratio_setting"] = "anyres",
        ["crop_size"] = new JsonObject { ["height"] = ImageSize, ["width"] = ImageSize },
        ["do_center_crop"] = true,
        ["do_convert_rgb"] = true,
        ["do_normalize"] = true,
        ["do_pad"] = true,
        ["do_rescale"] = true,
        ["do_resize"] = true,
        ["image_grid_pinpoints"] = Pinpoints(),
        ["image_mean"] = new JsonArray(0.48145466, 0.4578275, 0.40821073),
        ["image_processor_type"] = "LlavaNextImageProcessor",
        ["image_std"] = new JsonArray(0.26862954, 0.26130258, 0.27577711),
        ["processor_class"] = "LlavaNextProcessor",
        ["resample"] = 3,
        ["rescale_factor"] = 0.00392156862745098,
        ["size"] = new JsonObject { ["shortest_edge"] = ImageSize },
    };

    /// <summary>
    /// The hub's <c>processor_config.json</c> (one position per image beyond the patches: the class token) and its
    /// Mistral <c>[INST]</c> chat template (the test data's copy, sources in its SOURCES.md, shipped with the bench).
    /// </summary>
    public IReadOnlyDictionary<string, string> ProcessorFiles() => new Dictionary<string, string>
    {
        ["processor_config.json"] = new JsonObject
        {
            ["image_token"] = "<image>",
            ["num_additional_image_tokens"] = 1,
            ["patch_size"] = PatchSize,
            ["processor_class"] = "LlavaNextProcessor",
            ["vision_feature_select_strategy"] = "default",
        }.ToJsonString(),
        ["chat_template.json"] = File.ReadAllText(ChatTemplateFile),
    };

    /// <summary>llava-v1.6-mistral-7b-hf's <c>chat_template.json</c>, copied next to the bench at build time.</summary>
    public static string ChatTemplateFile =>
        Path.Combine(AppContext.BaseDirectory, "templates", "llava-v1.6-mistral-7b-hf", "chat_template.json");

    private JsonArray Pinpoints() => new(GridPinpoints.Select(p => (JsonNode)new JsonArray(p[0], p[1])).ToArray());
}
