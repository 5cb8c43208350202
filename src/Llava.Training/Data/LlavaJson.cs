using System.Text.Encodings.Web;
using System.Text.Json;

namespace Llava.Training.Data;

/// <summary>
/// Reads and writes LLaVA's JSON data files. Reading validates each record and reports the bad ones by id instead of
/// failing on the first: real files (LLaVA-Instruct-150K, LLaVA-CC3M-Pretrain-595K) load unchanged. Fields other than
/// id, image and conversations are ignored.
/// </summary>
public static class LlavaJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <exception cref="InvalidDataException">The file is not JSON or its top level is not an array.</exception>
    public static LlavaDataset Read(string path)
    {
        using var stream = File.OpenRead(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path} must hold a JSON array of records");
            var records = new List<LlavaRecord>();
            var issues = new List<RecordIssue>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var label = $"record #{index}";
                try
                {
                    var record = ParseRecord(element, ref label);
                    records.Add(record);
                }
                catch (FormatException e)
                {
                    issues.Add(new RecordIssue(label, e.Message));
                }
                index++;
            }
            return new LlavaDataset(records, issues);
        }
    }

    public static void Write(string path, IEnumerable<LlavaRecord> records)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        // One record per line keeps large files greppable and diffable.
        stream.Write("["u8);
        var first = true;
        foreach (var record in records)
        {
            stream.Write(first ? "\n"u8 : ",\n"u8);
            first = false;
            using var writer = new Utf8JsonWriter(stream, WriterOptions);
            WriteRecord(writer, record);
        }
        stream.Write("\n]\n"u8);
    }

    private static void WriteRecord(Utf8JsonWriter writer, LlavaRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("id", record.Id);
        if (record.Image is not null) writer.WriteString("image", record.Image);
        writer.WriteStartArray("conversations");
        foreach (var turn in record.Conversations)
        {
            writer.WriteStartObject();
            writer.WriteString("from", turn.From);
            writer.WriteString("value", turn.Value);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static LlavaRecord ParseRecord(JsonElement element, ref string label)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FormatException($"expected an object, found {element.ValueKind}");
        var id = element.TryGetProperty("id", out var idElement)
            ? idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString()!,
                JsonValueKind.Number => idElement.GetRawText(),
                _ => throw new FormatException("'id' must be a string or a number"),
            }
            : throw new FormatException("the record has no 'id'");
        label = $"id {id}";

        string? image = null;
        if (element.TryGetProperty("image", out var imageElement) && imageElement.ValueKind != JsonValueKind.Null)
        {
            image = imageElement.ValueKind == JsonValueKind.String && imageElement.GetString()!.Length > 0
                ? imageElement.GetString()
                : throw new FormatException("'image' must be a non-empty string");
        }

        if (!element.TryGetProperty("conversations", out var conversations) || conversations.ValueKind != JsonValueKind.Array)
            throw new FormatException("'conversations' is missing or not an array");
        var turns = new List<LlavaTurn>();
        foreach (var turn in conversations.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object
                || !turn.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String
                || !turn.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
                throw new FormatException($"turn {turns.Count} needs string 'from' and 'value'");
            turns.Add(new LlavaTurn(from.GetString()!, value.GetString()!));
        }
        var record = new LlavaRecord(id, image, turns);
        LlavaRecordValidator.Validate(record);
        return record;
    }
}
