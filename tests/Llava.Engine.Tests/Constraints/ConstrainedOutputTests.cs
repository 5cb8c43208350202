using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Llava.Engine.Constraints;
using Llava.Engine.Tests.Tokenization;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Constraints;

/// <summary>
/// Every output produced under a schema's grammar, token by token with the fixture's 32,000-piece vocabulary,
/// parses and validates against that schema (JsonSchema.Net, formats required), over a corpus of 37 schemas.
/// </summary>
public class ConstrainedOutputTests
{
    private static readonly Lazy<TokenTrie> Trie = new(() => new TokenTrie(TokenizerFixtures.Tokenizer));
    private static readonly Lazy<JsonElement> Schemas = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Constraints", "Data", "schemas.json")));
        return document.RootElement.Clone();
    });

    public static IEnumerable<object[]> SchemaNames() =>
        Schemas.Value.EnumerateObject().Select(p => new object[] { p.Name });

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

    [Fact]
    public void CorpusHasAtLeastThirtySchemas() => Assert.True(Schemas.Value.EnumerateObject().Count() >= 30);

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void EveryCompletedOutputValidates(string name)
    {
        var schemaElement = Schemas.Value.GetProperty(name);
        var grammar = JsonGrammar.FromSchema(schemaElement);
        var validator = JsonSchema.FromText(schemaElement.GetRawText());
        var completed = 0;
        var unfinished = new List<string>();
        for (var seed = 0; seed < 4; seed++)
        {
            var result = ConstrainedWalk.Run(TokenizerFixtures.Tokenizer, Trie.Value, grammar, seed, maxSteps: 160);
            if (!result.Completed)
            {
                unfinished.Add(result.Text);
                continue;
            }
            completed++;
            var instance = JsonNode.Parse(result.Text);
            var evaluation = validator.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            // anyOf alternatives that did not match report errors too; only a failed evaluation's errors matter.
            var failures = evaluation.IsValid ? [] : evaluation.Details.Where(d => d.Errors is { Count: > 0 }).ToList();
            Assert.True(failures.All(f => IsGraphemeCountingDeviation(f, instance)), $"{name}, seed {seed}: {result.Text}");
        }
        Assert.True(completed > 0, $"{name}: no walk completed a value: {string.Join(" | ", unfinished)}");
    }
}
