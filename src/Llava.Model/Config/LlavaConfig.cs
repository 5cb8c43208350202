using System.Text.Json;
using System.Text.Json.Serialization;
using Llava.Model.Layers;

namespace Llava.Model.Config;

/// <summary>
/// A LLaVA checkpoint's <c>config.json</c>. Omitted fields take Hugging Face <c>LlavaConfig</c>'s defaults;
/// <see cref="Load"/> and <see cref="Parse"/> validate everything the model depends on.
/// </summary>
public sealed class LlavaConfig
{
    public const string FileName = "config.json";
    public const string Architecture = "LlavaForConditionalGeneration";

    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public string[]? Architectures { get; init; }

    public string? ModelType { get; init; }

    public int ImageTokenIndex { get; init; } = 32000;

    /// <summary>Some newer configs write the image token as <c>image_token_id</c>; it wins when present.</summary>
    public int? ImageTokenId { get; init; }

    public string ProjectorHiddenAct { get; init; } = "gelu";

    public string VisionFeatureSelectStrategy { get; init; } = "default";

    /// <summary>Index into CLIP's hidden states (layers + 1 entries, 0 = embeddings); negative counts from the end.</summary>
    [JsonConverter(typeof(FeatureLayerConverter))]
    public int VisionFeatureLayer { get; init; } = -2;

    public bool MultimodalProjectorBias { get; init; } = true;

    public bool TieWordEmbeddings { get; init; }

    public string? TorchDtype { get; init; }

    public string? Dtype { get; init; }

    public LlamaTextConfig? TextConfig { get; init; }

    public ClipVisionConfig? VisionConfig { get; init; }

    /// <summary>The text config, or Hugging Face's default Llama config when <c>text_config</c> is missing.</summary>
    [JsonIgnore]
    public LlamaTextConfig Text => TextConfig ?? DefaultText;

    /// <summary>The vision config, or CLIP ViT-L/14-336 when <c>vision_config</c> is missing.</summary>
    [JsonIgnore]
    public ClipVisionConfig Vision => VisionConfig ?? DefaultVision;

    [JsonIgnore]
    public int ImageTokenIdResolved => ImageTokenId ?? ImageTokenIndex;

    /// <summary>Whether the projected features keep CLIP's class-token position (strategy <c>full</c>).</summary>
    [JsonIgnore]
    public bool KeepsClassToken => VisionFeatureSelectStrategy == "full";

    /// <summary>Number of embedding rows one image occupies in the prompt.</summary>
    [JsonIgnore]
    public int ImageSeqLen => Vision.NumPatches + (KeepsClassToken ? 1 : 0);

    /// <summary><see cref="VisionFeatureLayer"/> as a non-negative index into the hidden-state list.</summary>
    [JsonIgnore]
    public int VisionFeatureLayerIndex =>
        VisionFeatureLayer < 0 ? Vision.NumHiddenLayers + 1 + VisionFeatureLayer : VisionFeatureLayer;

    /// <summary>The checkpoint's stored dtype name (e.g. <c>float16</c>), if the config says.</summary>
    [JsonIgnore]
    public string? CheckpointDtype => TorchDtype ?? Dtype ?? Text.TorchDtype ?? Text.Dtype;

    private static readonly LlamaTextConfig DefaultText = new() { ModelType = "llama" };
    private static readonly ClipVisionConfig DefaultVision = ClipVisionConfig.ClipVitLarge336();

    /// <summary>Reads and validates <c>config.json</c> in <paramref name="modelDir"/>.</summary>
    /// <exception cref="ModelLoadException">The file is missing, malformed or describes an unsupported model.</exception>
    public static LlavaConfig Load(string modelDir)
    {
        var path = Path.Combine(modelDir, FileName);
        if (!File.Exists(path))
            throw new ModelLoadException($"{FileName} not found in model directory '{modelDir}'");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates config JSON; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="ModelLoadException">The JSON is malformed or describes an unsupported model.</exception>
    public static LlavaConfig Parse(string json, string source)
    {
        LlavaConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<LlavaConfig>(json, SerializerOptions);
        }
        catch (JsonException e)
        {
            var where = e.Path is null ? "" : $" at {e.Path}";
            throw new ModelLoadException($"{source}: invalid configuration{where}: {e.Message}", e);
        }
        if (config is null)
            throw new ModelLoadException($"{source}: expected a JSON object");
        config.Validate(source);
        return config;
    }

    private void Validate(string source)
    {
        void Fail(string problem) => throw new ModelLoadException($"{source}: {problem}");

        ValidateArchitecture(Fail);

        if (VisionFeatureSelectStrategy is not ("default" or "full"))
            Fail($"vision_feature_select_strategy must be 'default' or 'full', found '{VisionFeatureSelectStrategy}'");
        var layers = Vision.NumHiddenLayers;
        if (VisionFeatureLayer < -(layers + 1) || VisionFeatureLayer > layers)
            Fail($"vision_feature_layer {VisionFeatureLayer} is out of range for a vision tower with {layers} layers " +
                 $"(hidden states -{layers + 1}..{layers})");
        RequireActivation("projector_hidden_act", ProjectorHiddenAct, Fail);
        RequireActivation("text_config.hidden_act", Text.HiddenAct, Fail);
        RequireActivation("vision_config.hidden_act", Vision.HiddenAct, Fail);

        ValidateText(Text, Fail);
        ValidateVision(Vision, Fail);
    }

    private void ValidateArchitecture(Action<string> fail)
    {
        if (Architectures is { Length: > 0 })
        {
            if (Architectures.Contains(Architecture)) return;
            var found = string.Join(", ", Architectures);
            var hint = Architectures.Contains("LlavaLlamaForCausalLM")
                ? " (this is the original LLaVA repository format; use the Hugging Face llava-hf conversion)"
                : "";
            fail($"unsupported architecture: expected {Architecture}, found [{found}]{hint}");
        }
        else if (ModelType != "llava")
        {
            fail($"unsupported model: expected architectures [{Architecture}] or model_type 'llava', " +
                 $"found model_type '{ModelType ?? "(none)"}'");
        }
    }

    private static void ValidateText(LlamaTextConfig text, Action<string> fail)
    {
        if (text.ModelType is not (null or "llama"))
            fail($"text_config.model_type must be 'llama', found '{text.ModelType}'");
        RequirePositive("text_config.vocab_size", text.VocabSize, fail);
        RequirePositive("text_config.hidden_size", text.HiddenSize, fail);
        RequirePositive("text_config.intermediate_size", text.IntermediateSize, fail);
        RequirePositive("text_config.num_hidden_layers", text.NumHiddenLayers, fail);
        RequirePositive("text_config.num_attention_heads", text.NumAttentionHeads, fail);
        RequirePositive("text_config.num_key_value_heads", text.KeyValueHeads, fail);
        RequirePositive("text_config.max_position_embeddings", text.MaxPositionEmbeddings, fail);
        if (text.HeadDim is null && text.HiddenSize % text.NumAttentionHeads != 0)
            fail($"text_config.hidden_size {text.HiddenSize} is not divisible by num_attention_heads {text.NumAttentionHeads}");
        RequirePositive("text_config.head_dim", text.AttentionHeadDim, fail);
        if (text.AttentionHeadDim % 2 != 0)
            fail($"text_config.head_dim must be even for rotary embeddings, found {text.AttentionHeadDim}");
        if (text.NumAttentionHeads % text.KeyValueHeads != 0)
            fail($"text_config.num_attention_heads {text.NumAttentionHeads} is not a multiple of num_key_value_heads {text.KeyValueHeads}");
        if (text.RopeScaling is { } scaling)
        {
            if (scaling.Kind is not ("default" or "linear"))
                fail($"text_config.rope_scaling type '{scaling.Kind}' is not supported (supported: linear)");
            if (scaling.Factor <= 0)
                fail($"text_config.rope_scaling.factor must be positive, found {scaling.Factor}");
        }
    }

    private static void ValidateVision(ClipVisionConfig vision, Action<string> fail)
    {
        if (vision.ModelType is not (null or "clip_vision_model"))
            fail($"vision_config.model_type must be 'clip_vision_model', found '{vision.ModelType}'");
        RequirePositive("vision_config.hidden_size", vision.HiddenSize, fail);
        RequirePositive("vision_config.intermediate_size", vision.IntermediateSize, fail);
        RequirePositive("vision_config.num_hidden_layers", vision.NumHiddenLayers, fail);
        RequirePositive("vision_config.num_attention_heads", vision.NumAttentionHeads, fail);
        RequirePositive("vision_config.num_channels", vision.NumChannels, fail);
        RequirePositive("vision_config.patch_size", vision.PatchSize, fail);
        if (vision.HiddenSize % vision.NumAttentionHeads != 0)
            fail($"vision_config.hidden_size {vision.HiddenSize} is not divisible by num_attention_heads {vision.NumAttentionHeads}");
        if (vision.ImageSize < vision.PatchSize)
            fail($"vision_config.image_size {vision.ImageSize} is smaller than patch_size {vision.PatchSize}");
    }

    private static void RequirePositive(string field, int value, Action<string> fail)
    {
        if (value <= 0) fail($"{field} must be positive, found {value}");
    }

    private static void RequireActivation(string field, string name, Action<string> fail)
    {
        if (!Activation.IsSupported(name))
            fail($"{field} '{name}' is not supported (supported: {string.Join(", ", Activation.SupportedNames)})");
    }
}
