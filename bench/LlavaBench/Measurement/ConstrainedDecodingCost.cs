using System.Diagnostics;
using System.Text.Json;
using Llava.Engine.Constraints;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using LlavaBench.Reporting;

namespace LlavaBench.Measurement;

/// <summary>Per-token cost at one concurrency, without and with a JSON-schema constraint.</summary>
/// <param name="UnconstrainedMs">Median gap between consecutive tokens of a stream, ms, over every stream of every round.</param>
public sealed record ConstrainedCost(int Streams, double? UnconstrainedMs, double? ConstrainedMs, int ConstrainedTokens)
{
    public double? OverheadPercent => UnconstrainedMs is > 0 && ConstrainedMs is { } constrained
        ? (constrained / UnconstrainedMs.Value - 1) * 100
        : null;
}

/// <summary>
/// The cost of constrained decoding, at the engine (scheduler, sampling, grammar masks; no HTTP): the same
/// concurrent text streams decoded without and with a nested schema, in alternating rounds so that drift in the
/// machine's load hits both alike. The schema cannot close within the token budget (at least
/// <see cref="MinReceipts"/> receipts), so constrained streams decode as long as the others.
/// </summary>
public static class ConstrainedDecodingCost
{
    public const int MinReceipts = 50;
    private const int Rounds = 3;

    /// <summary>Receipts of line items: nested objects and arrays, bounded strings, numbers, booleans and an enum.</summary>
    public static readonly string Schema = $$"""
        {"type": "object", "required": ["receipts"], "additionalProperties": false, "properties": {
          "receipts": {"type": "array", "minItems": {{MinReceipts}}, "items": {
            "type": "object", "required": ["store", "total", "paid", "items"], "additionalProperties": false, "properties": {
              "store": {"type": "string", "maxLength": 24},
              "total": {"type": "number", "minimum": 0, "maximum": 10000},
              "paid": {"type": "boolean"},
              "items": {"type": "array", "maxItems": 3, "items": {
                "type": "object", "required": ["name", "qty", "kind"], "additionalProperties": false, "properties": {
                  "name": {"type": "string", "maxLength": 16},
                  "qty": {"type": "integer", "minimum": 1, "maximum": 99},
                  "kind": {"enum": ["food", "drink", "other"]} } } } } } } } }
        """;

    public static async Task<ConstrainedCost> MeasureAsync(LlavaEngine engine, int streams, int maxTokens, double temperature,
        CancellationToken cancellationToken)
    {
        using var schema = JsonDocument.Parse(Schema);
        var grammar = JsonGrammar.FromSchema(schema.RootElement);
        var prompt = engine.Prompts.Build([new ChatMessage("user", "Read every receipt in the pile into JSON.")]);
        var plain = new SamplingParams { Temperature = temperature, MaxTokens = maxTokens, IgnoreEos = true };
        var constrained = plain with { Grammar = grammar };

        // One warm-up round of each: the token trie and the open-string masks are built on first use.
        await RoundAsync(engine, prompt, plain, streams, cancellationToken);
        await RoundAsync(engine, prompt, constrained, streams, cancellationToken);
        var plainGaps = new List<double>();
        var constrainedGaps = new List<double>();
        var constrainedTokens = 0;
        for (var round = 0; round < Rounds; round++)
        {
            plainGaps.AddRange((await RoundAsync(engine, prompt, plain, streams, cancellationToken)).Gaps);
            var (gaps, tokens) = await RoundAsync(engine, prompt, constrained, streams, cancellationToken);
            constrainedGaps.AddRange(gaps);
            constrainedTokens += tokens;
        }
        return new ConstrainedCost(streams, Percentiles.Of(plainGaps, 50), Percentiles.Of(constrainedGaps, 50), constrainedTokens);
    }

    /// <summary><paramref name="streams"/> concurrent generations (distinct seeds); the gaps between their consecutive tokens, ms.</summary>
    private static async Task<(List<double> Gaps, int Tokens)> RoundAsync(LlavaEngine engine, PreparedPrompt prompt,
        SamplingParams parameters, int streams, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(i =>
            StreamAsync(engine, prompt, parameters with { Seed = 1000 + i }, cancellationToken)));
        return ([.. results.SelectMany(r => r.Gaps)], results.Sum(r => r.Tokens));
    }

    private static async Task<(List<double> Gaps, int Tokens)> StreamAsync(LlavaEngine engine, PreparedPrompt prompt,
        SamplingParams parameters, CancellationToken cancellationToken)
    {
        var gaps = new List<double>(parameters.MaxTokens);
        long? last = null;
        var tokens = 0;
        await foreach (var item in engine.GenerateAsync(prompt, parameters, cancellationToken))
        {
            if (item.TokenId is null) continue;
            var now = Stopwatch.GetTimestamp();
            if (last is { } previous) gaps.Add(Stopwatch.GetElapsedTime(previous, now).TotalMilliseconds);
            last = now;
            tokens++;
        }
        return (gaps, tokens);
    }
}
