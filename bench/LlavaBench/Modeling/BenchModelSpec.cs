using System.Text.Json.Nodes;

namespace LlavaBench.Modeling;

/// <summary>
/// The shape of a random-weight LLaVA-1.5 checkpoint. The defaults give the benchmark model: a CLIP-like tower
/// at 224 px (patch 14, 256 image tokens), a two-layer projector and a 12-layer Llama decoder with the LLaVA
/// vocabulary, about 179M parameters.
/// </summary>
public sealed record BenchModelSpec
{
    public int ImageSize { get; init; } = 224;
    public int PatchSize { get; init; } = 14;
    public int VisionHiddenSize { get; init; } = 768;
    public int VisionLayers { get; init; } = 6;
    public int VisionHeads { get; init; } = 12;
    public int VisionIntermediateSize { get; init; } = 3072;
    public int TextHiddenSize { get; init; } = 768;
    public int TextLayers { get; init; } = 12;
    public int TextHeads { get; init; } = 12;
    public int TextIntermediateSize { get; init; } = 2048;
    public int VocabSize { get; init; } = 32064;
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>Seeds the weights, so the same spec always produces the same checkpoint.</summary>
    public ulong Seed { get; init; } = 20240501;

    /// <summary>Image tokens per image with the "default" feature strategy (class token dropped).</summary>
    public int ImageTokens => ImageSize / PatchSize * (ImageSize / PatchSize);

    /// <summary><c>config.json</c> in the llava-hf layout.</summary>
    public JsonObject ToConfigJson() => new()
    {
        ["architectures"] = new JsonArray("LlavaForConditionalGeneration"),
        ["model_type"] = "llava",
        ["image_token_index"] = 32000,
        ["pad_token_id"] = 32001,
        ["projector_hidden_act"] = "gelu",
        ["vision_feature_layer"] = -2,
        ["vision_feature_select_strategy"] = "default",
        ["tie_word_embeddings"] = false,
        ["torch_dtype"] = "float32",
        ["vocab_size"] = VocabSize,
        ["text_config"] = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["bos_token_id"] = 1,
            ["eos_token_id"] = 2,
            ["pad_token_id"] = 32001,
            ["hidden_act"] = "silu",
            ["hidden_size"] = TextHiddenSize,
            ["intermediate_size"] = TextIntermediateSize,
            ["num_hidden_layers"] = TextLayers,
            ["num_attention_heads"] = TextHeads,
            ["num_key_value_heads"] = TextHeads,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 10000.0,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "float32",
            ["vocab_size"] = VocabSize,
        },
        ["vision_config"] = new JsonObject
        {
            ["model_type"] = "clip_vision_model",
            ["hidden_act"] = "quick_gelu",
            ["hidden_size"] = VisionHiddenSize,
            ["intermediate_size"] = VisionIntermediateSize,
            ["num_hidden_layers"] = VisionLayers,
            ["num_attention_heads"] = VisionHeads,
            ["num_channels"] = 3,
            ["image_size"] = ImageSize,
            ["patch_size"] = PatchSize,
            ["layer_norm_eps"] = 1e-5,
        },
    };

    /// <summary>
    /// llava-hf's <c>preprocessor_config.json</c> for a CLIP tower of <paramref name="imageSize"/> pixels: CLIP's
    /// normalisation, resize and center crop to the tower's size.
    /// </summary>
    public static JsonObject PreprocessorJson(int imageSize) => new()
    {
        ["image_processor_type"] = "CLIPImageProcessor",
        ["processor_class"] = "LlavaProcessor",
        ["do_convert_rgb"] = true,
        ["do_resize"] = true,
        ["size"] = new JsonObject { ["shortest_edge"] = imageSize },
        ["resample"] = 3,
        ["do_center_crop"] = true,
        ["crop_size"] = new JsonObject { ["height"] = imageSize, ["width"] = imageSize },
        ["do_rescale"] = true,
        ["rescale_factor"] = 1.0 / 255,
        ["do_normalize"] = true,
        ["image_mean"] = new JsonArray(0.48145466, 0.4578275, 0.40821073),
        ["image_std"] = new JsonArray(0.26862954, 0.26130258, 0.27577711),
    };

    public static JsonObject GenerationConfigJson() => new()
    {
        ["bos_token_id"] = 1,
        ["eos_token_id"] = 2,
        ["pad_token_id"] = 32001,
    };
}
