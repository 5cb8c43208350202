using System.Text.Json;

namespace Llava.TestSupport;

/// <summary>The cases of the reference golden file, with their OpenAI-style messages as JSON.</summary>
public static class GoldenCases
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(RepoPaths.GoldenJson)));

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> All => Root.GetProperty("cases").EnumerateArray();

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static JsonElement Get(string name) => All.Single(c => c.GetProperty("name").GetString() == name);

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
