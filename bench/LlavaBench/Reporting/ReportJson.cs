using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlavaBench.Reporting;

/// <summary>The JSON form of <see cref="BenchReport"/>: camelCase, indented, enums as strings.</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, Options);

    public static BenchReport? Deserialize(string json) => JsonSerializer.Deserialize<BenchReport>(json, Options);
}
