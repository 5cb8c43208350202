using System.Text.Json;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Templating;

/// <summary>
/// The cases in Data/jinja_cases.json: templates rendered by the real Jinja2 (configured like Hugging Face's
/// apply_chat_template) by Data/generate_jinja_cases.py, with either the exact output or the error raised.
/// </summary>
internal static class JinjaCases
{
    public static readonly DateTimeOffset PinnedNow = new(2024, 7, 23, 9, 5, 7, TimeSpan.Zero);

    private static readonly Lazy<IReadOnlyDictionary<string, JinjaCase>> All = new(Load);

    public static IReadOnlyDictionary<string, JinjaCase> ByName => All.Value;

    public static TheoryData<string> Names(Func<string, bool> include)
    {
        var data = new TheoryData<string>();
        foreach (var name in ByName.Keys.Where(include))
            data.Add(name);
        return data;
    }

    private static IReadOnlyDictionary<string, JinjaCase> Load()
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Templating", "Data", "jinja_cases.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var cases = new Dictionary<string, JinjaCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var context = (IDictionary<string, object?>)ToObject(c.GetProperty("context"))!;
            string? expected = c.TryGetProperty("expected", out var e) ? e.GetString() : null;
            string? errorType = null, errorMessage = null;
            if (c.TryGetProperty("error", out var err))
            {
                errorType = err.GetProperty("type").GetString();
                errorMessage = err.GetProperty("message").GetString();
            }
            cases[name] = new JinjaCase(name, c.GetProperty("template").GetString()!, context.AsReadOnly(), expected, errorType, errorMessage);
        }
        return cases;
    }

    /// <summary>JSON to the plain .NET shapes JinjaTemplate accepts; numbers written with '.', 'e' stay floats like in Python.</summary>
    public static object? ToObject(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new OrderedDictionary<string, object?>(), (d, p) =>
        {
            d.Add(p.Name, ToObject(p.Value));
            return d;
        }),
        JsonValueKind.Array => e.EnumerateArray().Select(ToObject).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0 ? e.GetDouble() : (object)e.GetInt64(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

internal sealed record JinjaCase(
    string Name,
    string Template,
    IReadOnlyDictionary<string, object?> Context,
    string? Expected,
    string? ErrorType,
    string? ErrorMessage);

/// <summary>A clock frozen at the generator's pinned time, with local time equal to UTC.</summary>
internal sealed class PinnedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
