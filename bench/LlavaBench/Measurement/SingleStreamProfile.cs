namespace LlavaBench.Measurement;

/// <summary>
/// Per-token time of one stream at three depths — the bare model's decode step, the engine API, and HTTP
/// streaming — measured in alternating rounds so that all three see the same load on a shared machine.
/// A round's value is the median single-token time at that depth; the profile's values are medians over the
/// rounds, in milliseconds.
/// </summary>
/// <param name="EngineMsPerToken">Null for a remote server (no engine in this process).</param>
public sealed record SingleStreamProfile(
    int Rounds,
    double BareDecodeMs,
    double? EngineMsPerToken,
    double? HttpMsPerToken,
    IReadOnlyList<SingleStreamRound> PerRound);

public sealed record SingleStreamRound(double BareDecodeMs, double? EngineMsPerToken, double? HttpMsPerToken);
