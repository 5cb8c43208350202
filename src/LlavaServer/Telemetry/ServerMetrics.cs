using System.Diagnostics.Metrics;
using LlavaServer.Hosting;

namespace LlavaServer.Telemetry;

/// <summary>
/// The serving metrics, on the <c>LlavaServer</c> meter (exported at <c>/metrics</c> with vLLM-like meanings).
/// Requests by status come from ASP.NET Core's own <c>http.server.request.duration</c>.
/// </summary>
public sealed class ServerMetrics
{
    public const string MeterName = "LlavaServer";

    // Latencies of a token server span milliseconds to minutes; OpenTelemetry's default buckets assume ms.
    private static readonly double[] LatencyBuckets =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640];

    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _requestLatency;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generationTokens;
    private readonly Counter<long> _images;
    private readonly Counter<long> _finished;

    public ServerMetrics(IMeterFactory meterFactory, EngineHost engineHost, ServerOptions options)
    {
        var meter = meterFactory.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets };
        _timeToFirstToken = meter.CreateHistogram("llava.time_to_first_token", "s",
            "From request arrival to the sequence's first generated token.", advice: advice);
        _interTokenLatency = meter.CreateHistogram("llava.inter_token_latency", "s",
            "Between consecutive tokens of a sequence.", advice: advice);
        _requestLatency = meter.CreateHistogram("llava.e2e_request_latency", "s",
            "From request arrival to the sequence's last token.", advice: advice);
        _promptTokens = meter.CreateCounter<long>("llava.prompt_tokens", "{token}", "Prompt tokens prefilled, image positions included.");
        _generationTokens = meter.CreateCounter<long>("llava.generation_tokens", "{token}", "Tokens generated.");
        _images = meter.CreateCounter<long>("llava.images_processed", "{image}", "Images decoded and preprocessed.");
        _finished = meter.CreateCounter<long>("llava.sequences_finished", "{sequence}", "Sequences finished, by finish reason.");
        meter.CreateObservableGauge("llava.queue_depth", () => engineHost.Engine?.WaitingCount ?? 0, "{sequence}",
            "Sequences waiting for a KV-cache slot.");
        meter.CreateObservableGauge("llava.running_sequences", () => engineHost.Engine?.RunningCount ?? 0, "{sequence}",
            "Sequences holding a KV-cache slot.");
        meter.CreateObservableGauge("llava.kv_cache_usage", () => (engineHost.Engine?.RunningCount ?? 0) / (double)options.MaxNumSeqs, "1",
            "Fraction of KV-cache slots in use (each slot holds one sequence's whole context).");
    }

    public void TimeToFirstToken(TimeSpan elapsed) => _timeToFirstToken.Record(elapsed.TotalSeconds);
    public void InterTokenLatency(TimeSpan elapsed) => _interTokenLatency.Record(elapsed.TotalSeconds);
    public void RequestLatency(TimeSpan elapsed) => _requestLatency.Record(elapsed.TotalSeconds);
    public void PromptTokens(int count) => _promptTokens.Add(count);
    public void GenerationTokens(int count) => _generationTokens.Add(count);
    public void ImagesProcessed(int count) => _images.Add(count);

    public void SequenceFinished(string finishReason) =>
        _finished.Add(1, new KeyValuePair<string, object?>("finish_reason", finishReason));
}
