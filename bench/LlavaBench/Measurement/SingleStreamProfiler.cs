using Llava.Engine.Generation;
using LlavaBench.Client;
using LlavaBench.Reporting;

namespace LlavaBench.Measurement;

/// <summary>
/// Alternates, round after round, a few bare decode steps, one generation through the engine API and one
/// streaming HTTP request for the same prompt. Load on a shared machine changes within seconds; alternating at
/// that scale keeps the ratios between the three meaningful when absolute times are not. Each depth's round value
/// is a median of single-token times (decode steps, gaps between tokens), so a burst of outside load that
/// slows a few tokens of a two-second generation does not count against it more than against the short bare run.
/// </summary>
public static class SingleStreamProfiler
{
    public static async Task<SingleStreamProfile> MeasureAsync(BareModel bare, LlavaEngine? engine, StreamingChatClient client,
        SingleStreamRequest request, int rounds, int stepsPerRound, CancellationToken cancellationToken)
    {
        var perRound = new List<SingleStreamRound>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            var step = bare.DecodeStepMs(1, stepsPerRound);
            var viaEngine = engine is null
                ? null
                : await EngineOnlyTiming.MedianTokenGapAsync(engine, request.Png, request.Question, request.MaxTokens, cancellationToken);
            var viaHttp = await client.SendAsync(request.HttpBody, 0, null, cancellationToken);
            perRound.Add(new SingleStreamRound(step, viaEngine,
                viaHttp.Outcome == RequestOutcome.Completed ? Percentiles.Of(viaHttp.InterTokenMs, 50) : null));
        }
        return new SingleStreamProfile(rounds,
            Percentiles.Of(perRound.Select(r => r.BareDecodeMs).ToList(), 50)!.Value,
            Percentiles.Of(perRound.Where(r => r.EngineMsPerToken is not null).Select(r => r.EngineMsPerToken!.Value).ToList(), 50),
            Percentiles.Of(perRound.Where(r => r.HttpMsPerToken is not null).Select(r => r.HttpMsPerToken!.Value).ToList(), 50),
            perRound);
    }
}
