using LlavaBench.Measurement;
using System.Globalization;

namespace LlavaBench.Reporting;

/// <summary>The human-readable tables printed at the end (and pasted into the README).</summary>
public static class MarkdownReport
{
    public static void WriteRun(DTypeRun run, TextWriter output)
    {
        output.WriteLine($"### {run.DType}");
        output.WriteLine();
        output.WriteLine("| scenario | conc. | done/sent | 429 | failed | timed out | stalled | req/s | gen tok/s | decode tok/s | TTFT p50 | TTFT p95 | ITL p50 | ITL p95 | TPOT p50 | load |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in run.Scenarios)
        {
            output.WriteLine(
                $"| {s.Name} | {s.Concurrency} | {s.Completed}/{s.Requests} | {s.Rejected} | {s.Failed} | {s.TimedOut} | {s.Stalled} | " +
                $"{F(s.RequestsPerSecond, 2)} | {F(s.OutputTokensPerSecond, 1)} | {(s.DecodeTokensPerSecond is { } d ? F(d, 1) : "–")} | " +
                $"{Ms(s.TimeToFirstTokenMs.P50)} | " +
                $"{Ms(s.TimeToFirstTokenMs.P95)} | {Ms(s.InterTokenLatencyMs.P50)} | {Ms(s.InterTokenLatencyMs.P95)} | " +
                $"{Ms(s.TimePerOutputTokenMs.P50)} | {(s.LoadAverage is { } load ? F(load, 1) : "–")} |");
        }
        output.WriteLine();
        if (run.Peer is { } peer) WriteSideBySide(run, peer, output);
        if (run.Bare is { } bare)
        {
            var decode = string.Join(", ", bare.Decode.Select(d => $"batch {d.Batch}: {F(d.StepMs, 1)} ms ({F(d.TokensPerSecond, 0)} tok/s" +
                                                                   (d.MatmulMs is { } m ? $"; matmuls alone {F(m, 1)} ms, {F(d.StepOverMatmuls!.Value, 2)}×" : "") +
                                                                   (d.AttentionMs is { } a ? $"; attention alone {F(a, 1)} ms" : "") + ")"));
            output.WriteLine($"Bare model ({bare.ContextTokens}-token context): decode step {decode}; " +
                             $"image encode {F(bare.ImageEncodeMs, 0)} ms; prefill of {bare.PromptTokens} tokens {F(bare.PrefillMs, 0)} ms.");
        }
        if (run.SingleStream is { } single)
        {
            output.WriteLine($"Single stream, median time per token over {single.Rounds} alternating rounds: bare decode step " +
                             $"{F(single.BareDecodeMs, 1)} ms, engine API {Ms(single.EngineMsPerToken)}, HTTP streaming {Ms(single.HttpMsPerToken)}.");
        }
        output.WriteLine();
        WriteTargets(run.Targets, output);
    }

    private static void WriteTargets(IEnumerable<TargetCheck> targets, TextWriter output)
    {
        output.WriteLine("| target | goal | measured | met |");
        output.WriteLine("| --- | --- | ---: | --- |");
        foreach (var t in targets)
            output.WriteLine($"| {t.Name} | {t.Goal} | {(t.Measured is { } m ? F(m, 2) : "–")} | {Met(t.Met)} ({t.Basis}) |");
        output.WriteLine();
    }

    /// <summary>Our rows and the peer's, scenario by scenario: the comparison the README shows.</summary>
    public static void WriteSideBySide(DTypeRun run, PeerRun peer, TextWriter output)
    {
        output.WriteLine($"Side by side with {peer.Name} ({peer.Url}, model {peer.ModelId}); each scenario ran on ours, then on {peer.Name}:");
        output.WriteLine();
        output.WriteLine("| scenario | server | dtype | streams | done/sent | prompt tok | gen tok/s | TTFT p50 / p95 | ITL p50 | TPOT p50 |");
        output.WriteLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var theirs = peer.Scenarios.ToDictionary(s => s.Name);
        foreach (var ours in run.Scenarios)
        {
            output.WriteLine(SideBySideRow(ours, "LlavaServer", run.DType));
            if (theirs.GetValueOrDefault(ours.Name) is { } other) output.WriteLine(SideBySideRow(other, peer.Name, peer.DType));
        }
        output.WriteLine();
    }

    private static string SideBySideRow(ScenarioSummary s, string server, string dtype) =>
        $"| {s.Name} | {server} | {dtype} | {s.Concurrency} | {s.Completed}/{s.Requests} | " +
        $"{(s.MeanPromptTokens is { } p ? F(p, 0) : "–")} | {F(s.OutputTokensPerSecond, 1)} | " +
        $"{Seconds(s.TimeToFirstTokenMs.P50)} / {Seconds(s.TimeToFirstTokenMs.P95)} | {Ms(s.InterTokenLatencyMs.P50)} | {Ms(s.TimePerOutputTokenMs.P50)} |";

    public static void WriteRealScale(IReadOnlyList<RealScaleRun> runs, TextWriter output)
    {
        output.WriteLine("| dtype | load | prompt tokens | generated | first token | answer | peak RSS | RSS after |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            output.WriteLine($"| {r.DType} | {F(r.LoadSeconds, 1)} s | {r.PromptTokens} | {r.CompletionTokens} | " +
                             $"{(r.FirstTokenSeconds is { } first ? F(first, 1) + " s" : "–")} | {F(r.AnswerSeconds, 1)} s | " +
                             $"{Gb(r.PeakRssBytes)}{(r.PeakReset ? "" : " (whole process)")} | {Gb(r.RssAfterBytes)} |");
        }
        output.WriteLine();
        foreach (var r in runs) output.WriteLine($"- {r.DType}: {r.Precision}");
        output.WriteLine();
        WriteTargets(runs.SelectMany(r => r.Targets.Select(t => t with { Name = $"{t.Name} ({r.DType})" })), output);
    }

    public static void WriteSoak(SoakSummary soak, TextWriter output)
    {
        output.WriteLine($"### Soak ({soak.DType}, {F(soak.Minutes, 1)} min, concurrency {soak.Concurrency}, " +
                         $"max-num-seqs {soak.MaxNumSeqs}, queue limit {soak.MaxWaitingRequests})");
        output.WriteLine();
        var stall = F(soak.StallSeconds, 0);
        output.WriteLine($"| sent | completed | 429 | failed | timed out | waited > {stall} s for a token | of which mid-stream | gen tok/s | TTFT p50 | TTFT p95 | RSS after warm-up | RSS at end |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        output.WriteLine($"| {soak.Sent} | {soak.Completed} | {soak.Rejected} | {soak.Failed} | {soak.TimedOut} | {soak.Stalled} | {soak.StalledMidStream} | " +
                         $"{F(soak.OutputTokensPerSecond, 1)} | {Ms(soak.TimeToFirstTokenMs.P50)} | {Ms(soak.TimeToFirstTokenMs.P95)} | " +
                         $"{Mb(soak.RssAfterWarmupMb)} | {Mb(soak.RssEndMb)} |");
        output.WriteLine();
        output.WriteLine($"No failures, time-outs or stalls: {Met(soak.NoFailures)}.");
        output.WriteLine();
    }

    private static string Met(bool? met) => met switch { true => "yes", false => "**no**", null => "not measured" };

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value is { } v ? F(v, v < 100 ? 1 : 0) + " ms" : "–";

    private static string Seconds(double? ms) => ms is { } v ? F(v / 1000, 2) + " s" : "–";

    private static string Gb(long? bytes) => bytes is { } b ? F(b / 1e9, 2) + " GB" : "–";

    private static string Mb(double? value) => value is { } v ? F(v, 0) + " MB" : "–";
}
