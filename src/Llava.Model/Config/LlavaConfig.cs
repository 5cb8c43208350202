using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Llava.Model.Layers;

namespace Llava.Model.Config;

/// <summary>
/// A LLaVA-1.5 (<c>llava</c>) or LLaVA-NeXT (<c>llava_next</c>) checkpoint's <c>config.json</c>. Omitted fields take
/// Hugging Face <c>LlavaConfig</c>'s or <c>LlavaNextConfig</c>'s defaults; <see cref="Load"/> and <see cref="Parse"/>
/// validate everything the model depends on.
/// </summary>
public sealed class LlavaConfig
{
    public const string FileName = "config.json";
    public const string Architecture = "LlavaForConditionalGeneration";
    public const string NextArchitecture = "LlavaNextForConditionalGeneration";

    /// <summary><c>LlavaNextConfig</c>'s default grid resolutions (height, width), for a 336-pixel tower.</summary>
    private static readonly int[][] DefaultGridPinpoints = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]];

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

    /// <summary>NeXT only: the (height, width) resolutions an image may be tiled at; null means HF's default list.</summary>
    public int[][]? ImageGridPinpoints { get; init; }

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

    /// <summary>Whether this is a LLaVA-NeXT checkpoint: images tiled over a grid, one <c>image_newline</c> per row.</summary>
    [JsonIgnore]
    public bool IsNext => ModelType == "llava_next" || (Architectures?.Contains(NextArchitecture) ?? false);

    /// <summary>The NeXT grid resolutions, HF's default list when the config has none.</summary>
    [JsonIgnore]
    public int[][] GridPinpoints => ImageGridPinpoints ?? DefaultGridPinpoints;

    /// <summary>Whether the projected features keep CLIP's class-token position (strategy <c>full</c>).</summary>
    [JsonIgnore]
    public bool KeepsClassToken => VisionFeatureSelectStrategy == "full";

    /// <summary>
    /// Number of embedding rows one image occupies in a LLaVA-1.5 prompt; for NeXT, the rows of one crop (the base
    /// image), since the whole count depends on the image's size.
    /// </summary>
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
            var root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            if (root is JsonObject { } rootObject && rootObject["text_config"] is JsonObject text)
                TextConfigJson.Normalize(text);
            config = root.Deserialize<LlavaConfig>(SerializerOptions);
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
        if (IsNext) ValidateNext(Fail);
    }

    private void ValidateNext(Action<string> fail)
    {
        if (GridPinpoints.Length == 0)
            fail("image_grid_pinpoints is empty; a LLaVA-NeXT model needs at least one [height, width] resolution");
        var crop = Vision.ImageSize;
        foreach (var pinpoint in GridPinpoints)
        {
            if (pinpoint is not { Length: 2 } || pinpoint[0] < crop || pinpoint[1] < crop
                || pinpoint[0] % crop != 0 || pinpoint[1] % crop != 0)
                fail($"image_grid_pinpoints entry [{string.Join(", ", pinpoint ?? [])}] must be [height, width], " +
                     $"each a positive multiple of vision_config.image_size {crop}");
        }
        if (VisionFeatureSelectStrategy != "default")
            fail($"vision_feature_select_strategy '{VisionFeatureSelectStrategy}' cannot be tiled into a LLaVA-NeXT " +
                 "grid (Hugging Face's LlavaNextForConditionalGeneration fails on it too); use 'default'");
    }

    private void ValidateArchitecture(Action<string> fail)
    {
        if (Architectures is { Length: > 0 })
        {
            if (Architectures.Contains(Architecture) || Architectures.Contains(NextArchitecture)) return;
            var found = string.Join(", ", Architectures);
            var hint = Architectures.Contains("LlavaLlamaForCausalLM")
                ? " (this is the original LLaVA repository format; use the Hugging Face llava-hf conversion)"
                : "";
            fail($"unsupported architecture: expected {Architecture} or {NextArchitecture}, found [{found}]{hint}");
        }
        else if (ModelType is not ("llava" or "llava_next"))
        {
            fail($"unsupported model: expected architectures [{Architecture}] or [{NextArchitecture}], or model_type " +
                 $"'llava' or 'llava_next', " +
                 $"found model_type '{ModelType ?? "(none)"}'");
        }
    }

    private static void ValidateText(LlamaTextConfig text, Action<string> fail)
    {
        if (text.ModelType is not (null or "llama" or "mistral"))
            fail($"text_config.model_type must be 'llama' or 'mistral', found '{text.ModelType}'");
        if (text.SlidingWindow is { } window && window < text.MaxPositionEmbeddings)
            fail($"text_config.sliding_window {window} is not supported: sliding-window attention is not implemented, " +
                 $"so only null (or a window of at least max_position_embeddings {text.MaxPositionEmbeddings}) is accepted");
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
