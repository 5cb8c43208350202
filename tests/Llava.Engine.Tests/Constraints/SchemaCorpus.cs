using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Constraints;

/// <summary>The corpus of test schemas (Data/schemas.json) and the check that an output validates against one.</summary>
internal static class SchemaCorpus
{
    private static readonly Lazy<JsonElement> Schemas = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Constraints", "Data", "schemas.json")));
        return document.RootElement.Clone();
    });

    public static IEnumerable<string> Names => Schemas.Value.EnumerateObject().Select(p => p.Name);

    public static JsonElement Get(string name) => Schemas.Value.GetProperty(name);

    /// <summary>Asserts that <paramref name="text"/> parses and validates against <paramref name="schema"/> (formats required).</summary>
    public static void AssertValid(JsonElement schema, string text, string context)
    {
        var validator = JsonSchema.FromText(schema.GetRawText());
        var instance = JsonNode.Parse(text);
        var evaluation = validator.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        // anyOf alternatives that did not match report errors too; only a failed evaluation's errors matter.
        var failures = evaluation.IsValid ? [] : evaluation.Details.Where(d => d.Errors is { Count: > 0 }).ToList();
        Assert.True(failures.All(f => IsGraphemeCountingDeviation(f, instance)), $"{context}: {text}");
    }

    /// <summary>
    /// JsonSchema.Net counts a string's length in grapheme clusters, where JSON Schema (and every constrained-decoding
    /// engine) counts code points; a combining mark therefore shortens a string for it. Such a length failure is
    /// accepted only when the string's code points do satisfy the bound the validator names.
    /// </summary>
    private static bool IsGraphemeCountingDeviation(EvaluationResults failure, JsonNode? instance)
    {
        if (failure.Errors!.Keys.Any(k => k is not ("minLength" or "maxLength")))
            return false;
        if (!failure.InstanceLocation.TryEvaluate(instance, out var node) || node?.GetValue<string>() is not { } text)
            return false;
        var codePoints = text.EnumerateRunes().Count();
        var graphemes = new System.Globalization.StringInfo(text).LengthInTextElements;
        // The message names the limit (and, in some versions, the length it counted).
        var numbers = System.Text.RegularExpressions.Regex.Matches(failure.Errors.Values.First(), @"\d+").Select(m => int.Parse(m.Value)).ToList();
        var bound = numbers.Where(n => n != graphemes).DefaultIfEmpty(numbers.FirstOrDefault()).First();
        return graphemes != codePoints
               && (failure.Errors.ContainsKey("minLength") ? codePoints >= bound : codePoints <= bound);
    }
}
