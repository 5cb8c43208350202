using System.Diagnostics;
using LlavaBench.Client;
using LlavaBench.Reporting;

namespace LlavaBench.Running;

/// <summary>Runs a scenario's closed loop of concurrent clients with a live progress line.</summary>
/// <param name="server">Prefixes the progress line when more than one server is benchmarked.</param>
public sealed class ScenarioRunner(StreamingChatClient client, TextWriter output, bool inPlaceProgress, string? server = null)
{
    public async Task<ScenarioRun> RunAsync(Scenario scenario, CancellationToken cancellationToken)
    {
        var results = new RequestResult[scenario.Requests];
        var next = -1;
        using var progress = new ProgressLine(server is null ? scenario.Name : $"{server}: {scenario.Name}", scenario.Requests, output, inPlaceProgress);
        var started = Stopwatch.GetTimestamp();

        async Task Worker()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < scenario.Requests)
            {
                var result = await client.SendAsync(scenario.BodyFor(index), Stopwatch.GetElapsedTime(started).TotalSeconds,
                    progress.Token, cancellationToken);
                results[index] = result;
                progress.Done(result.Outcome == RequestOutcome.Completed);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, scenario.Concurrency).Select(_ => Task.Run(Worker, cancellationToken)));
        return new ScenarioRun(scenario, results, Stopwatch.GetElapsedTime(started).TotalSeconds, MachineLoad.OneMinute());
    }
}
