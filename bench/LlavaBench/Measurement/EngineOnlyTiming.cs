using System.Diagnostics;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using LlavaBench.Reporting;
using LlavaBench.Workload;

namespace LlavaBench.Measurement;

/// <summary>
/// One generation through the engine's own API (scheduler, sampling, detokenizing, no HTTP) in the in-process
/// server, with the same messages the HTTP requests send, so the HTTP layer's share of the per-token time can
/// be told apart from the engine's.
/// </summary>
public static class EngineOnlyTiming
{
    /// <returns>The median gap between consecutive tokens, ms; null if fewer than two tokens came.</returns>
    public static async Task<double?> MedianTokenGapAsync(LlavaEngine engine, byte[] png, string question, int maxTokens,
        CancellationToken cancellationToken)
    {
        var prompt = engine.Prompts.Build(
        [
            new ChatMessage("system", ChatRequestFactory.SystemPrompt),
            new ChatMessage("user", [new ImagePart(png), new TextPart(question)]),
        ]);
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };
        var started = Stopwatch.GetTimestamp();
        double? last = null;
        var gaps = new List<double>(maxTokens);
        await foreach (var item in engine.GenerateAsync(prompt, parameters, cancellationToken))
        {
            if (item.TokenId is null) continue;
            var now = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (last is { } previous) gaps.Add(now - previous);
            last = now;
        }
        return Percentiles.Of(gaps, 50);
    }
}
