using System.Text.Json.Nodes;

namespace Llava.Model.Config;

/// <summary>
/// Rewrites a <c>text_config</c> object, before it is read into <see cref="LlamaTextConfig"/>, where checkpoints
/// spell the same model differently: a Mistral config's omitted fields take <c>MistralConfig</c>'s defaults (not
/// Llama's), and transformers 5's <c>rope_parameters</c> becomes <c>rope_theta</c> plus <c>rope_scaling</c>.
/// </summary>
internal static class TextConfigJson
{
    /// <summary><c>MistralConfig</c>'s defaults where they differ from <c>LlamaConfig</c>'s.</summary>
    private static readonly (string Name, JsonNode? Value)[] MistralDefaults =
    [
        ("intermediate_size", 14336),
        ("num_key_value_heads", 8),
        ("max_position_embeddings", 4096 * 32),
        ("sliding_window", 4096),
    ];

    public static void Normalize(JsonObject text)
    {
        if (text["model_type"]?.GetValue<string>() == "mistral")
        {
            foreach (var (name, value) in MistralDefaults)
            {
                if (!text.ContainsKey(name)) text[name] = value?.DeepClone();
            }
        }
        if (text["rope_parameters"] is JsonObject rope)
        {
            text.Remove("rope_parameters");
            if (rope["rope_theta"] is { } theta) text["rope_theta"] = theta.DeepClone();
            var kind = rope["rope_type"]?.GetValue<string>() ?? rope["type"]?.GetValue<string>() ?? "default";
            if (kind != "default" && !text.ContainsKey("rope_scaling"))
            {
                var scaling = (JsonObject)rope.DeepClone();
                scaling.Remove("rope_theta");
                text["rope_scaling"] = scaling;
            }
        }
    }
}
