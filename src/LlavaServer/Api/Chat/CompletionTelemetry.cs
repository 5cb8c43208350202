using System.Diagnostics;
using Llava.Engine.Generation;
using LlavaServer.Telemetry;

namespace LlavaServer.Api.Chat;

/// <summary>
/// Metrics and phase spans of one chat request, derived from when its events left the engine: time to
/// first token, inter-token latency and end-to-end latency per sequence, token counts, and the
/// <c>prefill</c> / <c>decode</c> spans under the request's span.
/// </summary>
internal sealed class CompletionTelemetry
{
    private readonly ServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Activity? _span;
    private readonly long _requestStart;
    private readonly DateTimeOffset _requestStartTime;
    private readonly long?[] _lastToken;
    private long _submitted;
    private long? _firstToken;
    private long _lastEvent;
    private int _promptTokens;
    private int _completionTokens;

    public CompletionTelemetry(ServerMetrics metrics, ILogger logger, Activity? span, long requestStart,
        DateTimeOffset requestStartTime, int choices)
    {
        _metrics = metrics;
        _logger = logger;
        _span = span;
        _requestStart = requestStart;
        _requestStartTime = requestStartTime;
        _lastToken = new long?[choices];
    }

    public TimeSpan? TimeToFirstToken => _firstToken is { } first ? Stopwatch.GetElapsedTime(_requestStart, first) : null;

    public void Submitted(int promptTokens)
    {
        _submitted = Stopwatch.GetTimestamp();
        _promptTokens = promptTokens;
        _metrics.PromptTokens(promptTokens * _lastToken.Length);
        _span?.SetTag("gen_ai.usage.input_tokens", promptTokens);
    }

    public void Observe(ChoiceEvent item)
    {
        _lastEvent = item.Timestamp;
        if (item.Event is not { } generated) return;
        if (generated.TokenId is not null)
        {
            if (_lastToken[item.Index] is { } previous)
                _metrics.InterTokenLatency(Stopwatch.GetElapsedTime(previous, item.Timestamp));
            else
                _metrics.TimeToFirstToken(Stopwatch.GetElapsedTime(_requestStart, item.Timestamp));
            _lastToken[item.Index] = item.Timestamp;
            _firstToken ??= item.Timestamp;
        }
        if (generated.Finish is { } finish)
        {
            _metrics.RequestLatency(Stopwatch.GetElapsedTime(_requestStart, item.Timestamp));
            _metrics.SequenceFinished(FinishReasons.Name(finish));
            if (generated.Usage is { } usage)
            {
                _metrics.GenerationTokens(usage.CompletionTokens);
                _completionTokens += usage.CompletionTokens;
            }
        }
    }

    /// <summary>Logs the request and closes its span with its phases; call once, when the response is complete or abandoned.</summary>
    public void Complete(bool aborted)
    {
        _logger.LogInformation(
            "chat completion {Outcome}: {Choices} choice(s), {PromptTokens} prompt + {CompletionTokens} completion tokens, first token after {TimeToFirstTokenMs:F1} ms, {DurationMs:F1} ms in all",
            aborted ? "abandoned" : "done", _lastToken.Length, _promptTokens, _completionTokens,
            TimeToFirstToken?.TotalMilliseconds ?? double.NaN, Stopwatch.GetElapsedTime(_requestStart).TotalMilliseconds);
        if (_span is null) return;
        _span.SetTag("gen_ai.usage.output_tokens", _completionTokens);
        if (_firstToken is { } first)
        {
            ServerTracing.RecordPhase("prefill", _span.Context, At(_submitted), At(first));
            ServerTracing.RecordPhase("decode", _span.Context, At(first), At(_lastEvent));
        }
        if (aborted) _span.SetStatus(ActivityStatusCode.Error, "client disconnected");
        _span.Stop();
    }

    private DateTimeOffset At(long timestamp) => _requestStartTime + Stopwatch.GetElapsedTime(_requestStart, timestamp);
}

internal static class FinishReasons
{
    public static string Name(FinishReason reason) => reason == FinishReason.Length ? "length" : "stop";
}
