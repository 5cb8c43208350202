namespace Llava.Model.Weights;

/// <summary>
/// Maps checkpoint tensor names onto this model's parameter names. Module fields carry the hub's names, so the hub
/// layout (<c>language_model.model.*</c>, <c>vision_tower.*</c>, …) maps to itself; transformers ≥ 4.52 saves
/// <c>model.language_model.*</c> (no inner <c>model.</c>), <c>model.vision_tower.*</c>,
/// <c>model.multi_modal_projector.*</c> and a top-level <c>lm_head.weight</c>. LLaVA-NeXT adds <c>image_newline</c>
/// (<c>model.image_newline</c>). transformers 5 also drops the vision tower's <c>vision_model.</c> level
/// (<c>model.vision_tower.encoder.*</c>), which is put back.
/// </summary>
public static class WeightNames
{
    private static readonly (string From, string To)[] Prefixes =
    [
        ("language_model.model.", "language_model.model."),
        ("language_model.lm_head.", "language_model.lm_head."),
        ("vision_tower.", "vision_tower."),
        ("multi_modal_projector.", "multi_modal_projector."),
        ("model.language_model.", "language_model.model."),
        ("model.vision_tower.", "vision_tower."),
        ("model.multi_modal_projector.", "multi_modal_projector."),
        ("lm_head.", "language_model.lm_head."),
    ];

    private const string VisionTower = "vision_tower.";
    private const string VisionModel = "vision_tower.vision_model.";
    private const string ImageNewline = "image_newline";

    public const string OutputHead = "language_model.lm_head.weight";

    /// <summary>The parameter name for a checkpoint key, or null when the key belongs to no known LLaVA module.</summary>
    public static string? ToParameterName(string key)
    {
        if (key is ImageNewline or "model." + ImageNewline)
            return ImageNewline;
        foreach (var (from, to) in Prefixes)
        {
            if (!key.StartsWith(from, StringComparison.Ordinal)) continue;
            var name = to + key[from.Length..];
            return name.StartsWith(VisionTower, StringComparison.Ordinal) && !name.StartsWith(VisionModel, StringComparison.Ordinal)
                ? VisionModel + name[VisionTower.Length..]
                : name;
        }
        return null;
    }

    /// <summary>
    /// Buffers some exporters save that are derived, not learned: rotary <c>inv_freq</c> and CLIP's
    /// <c>position_ids</c>. They are recomputed, so skipping them loses nothing.
    /// </summary>
    public static bool IsDerivedBuffer(string key) =>
        key.EndsWith(".inv_freq", StringComparison.Ordinal)
        || key.EndsWith("embeddings.position_ids", StringComparison.Ordinal);
}
