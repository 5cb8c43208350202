namespace Llava.Model.Config;

/// <summary>
/// The <c>vision_config</c> of a LLaVA checkpoint. Property initialisers are Hugging Face
/// <c>CLIPVisionConfig</c>'s defaults; <see cref="LlavaConfig"/> substitutes CLIP ViT-L/14-336 when the whole
/// block is missing, as <c>LlavaConfig</c> does.
/// </summary>
public sealed class ClipVisionConfig
{
    public string? ModelType { get; init; }

    public int HiddenSize { get; init; } = 768;

    public int IntermediateSize { get; init; } = 3072;

    public int NumHiddenLayers { get; init; } = 12;

    public int NumAttentionHeads { get; init; } = 12;

    public int NumChannels { get; init; } = 3;

    public int ImageSize { get; init; } = 224;

    public int PatchSize { get; init; } = 32;

    public string HiddenAct { get; init; } = "quick_gelu";

    public double LayerNormEps { get; init; } = 1e-5;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    public int PatchesPerSide => ImageSize / PatchSize;

    public int NumPatches => PatchesPerSide * PatchesPerSide;

    /// <summary>The LLaVA-1.5 default tower (openai/clip-vit-large-patch14-336).</summary>
    public static ClipVisionConfig ClipVitLarge336() => new()
    {
        ModelType = "clip_vision_model",
        HiddenSize = 1024,
        IntermediateSize = 4096,
        NumHiddenLayers = 24,
        NumAttentionHeads = 16,
        ImageSize = 336,
        PatchSize = 14,
    };
}
