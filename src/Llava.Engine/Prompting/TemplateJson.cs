using System.Text.Json;

namespace Llava.Engine.Prompting;

/// <summary>
/// JSON as the plain data a template value is made from, the way Python's <c>json.loads</c> hands it to
/// transformers: objects keep their key order, integers stay integers.
/// </summary>
internal static class TemplateJson
{
    public static object? ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (dict, p) =>
        {
            dict[p.Name] = ToPlain(p.Value);
            return dict;
        }),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? (object)integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
