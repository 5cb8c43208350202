using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace LlavaServer.Api.Contracts;

/// <summary>Reads a message's content as a string or an array of parts; writes it back the same way.</summary>
public sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new MessageContent { Text = reader.GetString() };
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var info = (JsonTypeInfo<List<ContentPartDto>>)options.GetTypeInfo(typeof(List<ContentPartDto>));
            return new MessageContent { Parts = JsonSerializer.Deserialize(ref reader, info) };
        }
        throw new JsonException("must be a string or an array of content parts");
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.Parts is { } parts)
            JsonSerializer.Serialize(writer, parts, (JsonTypeInfo<List<ContentPartDto>>)options.GetTypeInfo(typeof(List<ContentPartDto>)));
        else
            writer.WriteStringValue(value.Text);
    }
}

/// <summary>Reads <c>stop</c> as a string or an array of strings.</summary>
public sealed class StopSequencesConverter : JsonConverter<StopSequences>
{
    public override StopSequences Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new StopSequences { Values = [reader.GetString()!] };
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("must be a string or an array of strings");

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("must be a string or an array of strings");
            values.Add(reader.GetString()!);
        }
        return new StopSequences { Values = values };
    }

    public override void Write(Utf8JsonWriter writer, StopSequences value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var stop in value.Values) writer.WriteStringValue(stop);
        writer.WriteEndArray();
    }
}
