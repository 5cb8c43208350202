using System.Diagnostics;

namespace LlavaServer.Telemetry;

/// <summary>
/// Spans of a chat request: <c>chat.completion</c> with children <c>preprocess</c> (image fetch and
/// decode, template, tokenization), <c>prefill</c> (submission to first token — queue wait included,
/// the engine does not report when a sequence is admitted) and <c>decode</c> (first to last token).
/// </summary>
public static class ServerTracing
{
    public const string SourceName = "LlavaServer";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Records a finished phase after the fact, so no span is left as Activity.Current across awaits.</summary>
    public static void RecordPhase(string name, ActivityContext parent, DateTimeOffset start, DateTimeOffset end)
    {
        if (parent == default) return;
        var current = Activity.Current;
        using (var activity = Source.StartActivity(name, ActivityKind.Internal, parent, startTime: start))
        {
            activity?.SetEndTime(end.UtcDateTime);
        }
        // Stopping a span started from a context (not an Activity) would leave Current null.
        Activity.Current = current;
    }
}
