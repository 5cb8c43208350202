using System.Text.Json;
using System.Text.Json.Serialization;

namespace Llava.Model.Config;

/// <summary>
/// Reads <c>vision_feature_layer</c>. Newer transformers also accept a list of layers whose features are
/// concatenated; LLaVA-1.5 never uses that, so a list is rejected with a clear message instead of misread.
/// </summary>
internal sealed class FeatureLayerConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
            throw new JsonException("a list of vision feature layers is not supported; expected a single layer index");
        return reader.GetInt32();
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}
