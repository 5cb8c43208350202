using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using LlavaBench.Client;
using LlavaBench.Reporting;
using LlavaBench.Running;

namespace LlavaBench.Soak;

/// <summary>
/// A long closed-loop run at high concurrency: every client sends request after request until the time is up
/// (after a 429 it waits a second), while the process's RSS is sampled. Failures, time-outs and stalls are the
/// findings; 429s are expected once more clients than decode slots plus queue places exist.
/// </summary>
public sealed class SoakRunner(StreamingChatClient client, TextWriter output, bool inPlaceProgress)
{
    private static readonly TimeSpan RssInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryAfterRejection = TimeSpan.FromSeconds(1);

    /// <param name="measureRss">False for a remote server, whose memory this process cannot see.</param>
    public async Task<SoakSummary> RunAsync(SoakPlan plan, Func<int, string> bodyFor, bool measureRss, CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<RequestResult>();
        var next = -1;
        using var rss = measureRss ? new RssSampler(RssInterval) : null;
        using (var progress = new ProgressLine("soak", null, output, inPlaceProgress)
               {
                   Suffix = () => rss?.Latest is { } mb ? $"RSS {mb.ToString("F0", CultureInfo.InvariantCulture)} MB" : "",
               })
        {
            var started = Stopwatch.GetTimestamp();
            var deadline = started + (long)(plan.Duration.TotalSeconds * Stopwatch.Frequency);

            async Task Worker()
            {
                while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref next);
                    var result = await client.SendAsync(bodyFor(index), Stopwatch.GetElapsedTime(started).TotalSeconds,
                        progress.Token, cancellationToken);
                    results.Add(result);
                    progress.Done(result.Outcome == RequestOutcome.Completed);
                    if (result.Outcome == RequestOutcome.Rejected) await Task.Delay(RetryAfterRejection, cancellationToken);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Run(Worker, cancellationToken)));
            rss?.Sample();
            var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return Summarize(plan, results.ToList(), wall, rss?.Samples ?? []);
        }
    }

    internal static SoakSummary Summarize(SoakPlan plan, IReadOnlyList<RequestResult> results, double wallSeconds,
        IReadOnlyList<RssSample> rss)
    {
        var completed = results.Where(r => r.Outcome == RequestOutcome.Completed).ToList();
        var stallMs = plan.StallThreshold.TotalMilliseconds;
        return new SoakSummary(
            plan.DType,
            wallSeconds / 60,
            plan.Concurrency,
            plan.MaxNumSeqs,
            plan.MaxWaitingRequests,
            plan.StallThreshold.TotalSeconds,
            results.Count,
            completed.Count,
            results.Count(r => r.Outcome == RequestOutcome.Rejected),
            results.Count(r => r.Outcome == RequestOutcome.Failed),
            results.Count(r => r.Outcome == RequestOutcome.TimedOut),
            results.Count(r => r.StalledLongerThan(stallMs)),
            results.Count(r => r.StalledMidStreamLongerThan(stallMs)),
            completed.Sum(r => (double)r.CompletionTokens) / Math.Max(wallSeconds, 1e-9),
            LatencyStats.Of(completed.Where(r => r.FirstTokenMs is not null).Select(r => r.FirstTokenMs!.Value).ToList()),
            WindowMedian(rss, plan.Warmup.TotalSeconds, first: true),
            WindowMedian(rss, plan.Warmup.TotalSeconds, first: false),
            rss,
            results.OrderBy(r => r.SentAtSeconds)
                .Select(r => new SoakRequest(r.SentAtSeconds, r.Outcome, r.FirstTokenMs, r.LongestSilenceMs, r.LatencyMs)).ToList(),
            results.Where(r => r.Outcome is RequestOutcome.Failed or RequestOutcome.TimedOut)
                .Select(r => $"{r.Outcome} ({r.Status}): {r.Error}").Distinct().Take(5).ToList());
    }

    /// <summary>
    /// The median RSS over the first (or last) third of the time after warm-up. RSS swings by tens of MB from one
    /// sample to the next as batches come and go, so single samples would compare noise.
    /// </summary>
    private static double? WindowMedian(IReadOnlyList<RssSample> rss, double warmupSeconds, bool first)
    {
        var settled = rss.Where(s => s.Seconds >= warmupSeconds).ToList();
        if (settled.Count == 0) return null;
        var third = (settled[^1].Seconds - settled[0].Seconds) / 3;
        var window = first
            ? settled.Where(s => s.Seconds <= settled[0].Seconds + third)
            : settled.Where(s => s.Seconds >= settled[^1].Seconds - third);
        return Percentiles.Of(window.Select(s => s.Megabytes).ToList(), 50);
    }
}
