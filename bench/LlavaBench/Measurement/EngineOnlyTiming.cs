using System.Diagnostics;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using LlavaBench.Reporting;

namespace LlavaBench.Measurement;

/// <summary>
/// Single-stream decode through the engine's own API (scheduler, sampling, detokenizing, no HTTP) in the
/// in-process server, so the HTTP layer's share of the per-token time can be told apart from the engine's.
/// </summary>
public static class EngineOnlyTiming
{
    /// <returns>The median over <paramref name="runs"/> generations of the mean time per token after the first, ms; null if none produced two tokens.</returns>
    public static async Task<double?> TimePerOutputTokenAsync(LlavaEngine engine, byte[] png, string question, int maxTokens,
        int runs, CancellationToken cancellationToken)
    {
        var prompt = engine.Prompts.Build([new ChatMessage("user", [new ImagePart(png), new TextPart(question)])]);
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };
        var perToken = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            double? first = null, last = null;
            var tokens = 0;
            await foreach (var item in engine.GenerateAsync(prompt, parameters, cancellationToken))
            {
                if (item.TokenId is null) continue;
                var now = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                first ??= now;
                last = now;
                tokens++;
            }
            if (tokens > 1) perToken.Add((last!.Value - first!.Value) / (tokens - 1));
        }
        return Percentiles.Of(perToken, 50);
    }
}
