using System.Text.Json.Nodes;

namespace LlavaBench.Modeling;

/// <summary>The parts of a llava-hf <c>config.json</c> that the 1.5 and NeXT layouts write alike.</summary>
public static class HubConfigJson
{
    /// <summary>The CLIP ViT <c>vision_config</c> the llava-hf checkpoints carry (its text-side leftovers included).</summary>
    public static JsonObject VisionConfig(int hiddenSize, int imageSize, int intermediateSize, int heads, int layers, int patchSize) => new()
    {
        ["hidden_size"] = hiddenSize,
        ["image_size"] = imageSize,
        ["intermediate_size"] = intermediateSize,
        ["model_type"] = "clip_vision_model",
        ["num_attention_heads"] = heads,
        ["num_hidden_layers"] = layers,
        ["patch_size"] = patchSize,
        ["projection_dim"] = 768,
        ["vocab_size"] = 32000,
    };

    /// <summary>An object with its fields in ordinal key order, as transformers writes configs.</summary>
    public static JsonObject Sorted(IEnumerable<(string Key, JsonNode? Value)> fields) =>
        new(fields.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => KeyValuePair.Create(e.Key, e.Value)));
}
