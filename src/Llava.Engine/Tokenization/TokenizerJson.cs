using System.Text.Json;

namespace Llava.Engine.Tokenization;

/// <summary>Reading the components of a Hugging Face <c>tokenizer.json</c>: typed steps, optional fields, Sequences.</summary>
internal static class TokenizerJson
{
    /// <summary>The steps of a component that is either one step or a Sequence of them; none for null.</summary>
    public static IEnumerable<JsonElement> Steps(JsonElement? component, string sequenceField)
    {
        if (component is not { } value)
            return [];
        if (TypeOf(value) != "Sequence")
            return [value];
        return value.TryGetProperty(sequenceField, out var steps) && steps.ValueKind == JsonValueKind.Array
            ? steps.EnumerateArray().ToList()
            : throw new InvalidDataException($"{TokenizerConfiguration.FastTokenizerFileName}: a Sequence without '{sequenceField}'.");
    }

    public static JsonElement? Component(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static bool IsLiteralReplace(JsonElement step, string pattern, string content) =>
        step.TryGetProperty("pattern", out var patternObject) && patternObject.ValueKind == JsonValueKind.Object
        && StringOf(patternObject, "String") == pattern && StringOf(step, "content") == content;

    public static string? TypeOf(JsonElement step) => StringOf(step, "type");

    public static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static bool? BoolOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public static int? IntOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    public static NotSupportedException Unsupported(string what) =>
        new($"Unsupported {TokenizerConfiguration.FastTokenizerFileName}: {what} (not implemented).");
}
