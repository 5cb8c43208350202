namespace LlavaBench.Client;

public enum RequestOutcome
{
    /// <summary>The stream finished with a usage chunk and <c>[DONE]</c>.</summary>
    Completed,

    /// <summary>429: the server's queue was full.</summary>
    Rejected,

    /// <summary>Any other HTTP error, an error event, a broken stream or a transport failure.</summary>
    Failed,

    /// <summary>No event for longer than the client's timeout; the request was abandoned (a hang).</summary>
    TimedOut,
}

/// <summary>What one streaming request measured. Times are milliseconds from sending the request.</summary>
public sealed record RequestResult
{
    public required RequestOutcome Outcome { get; init; }

    /// <summary>HTTP status, 0 when no response arrived.</summary>
    public int Status { get; init; }

    public string? Error { get; init; }

    /// <summary>Seconds from the start of the scenario to sending this request.</summary>
    public double SentAtSeconds { get; init; }

    /// <summary>Arrival of the first chunk that carried generated text.</summary>
    public double? FirstTokenMs { get; init; }

    /// <summary>Arrival of the last chunk that carried generated text.</summary>
    public double? LastTokenMs { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>From the usage chunk.</summary>
    public int PromptTokens { get; init; }

    /// <summary>From the usage chunk.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Gaps between consecutive token chunks.</summary>
    public IReadOnlyList<double> InterTokenMs { get; init; } = [];

    /// <summary>
    /// The longest time the client waited for a token: to the first one (queueing and prefill included) or
    /// between two of them.
    /// </summary>
    public double LongestSilenceMs => Math.Max(FirstTokenMs ?? LatencyMs, InterTokenMs.Count == 0 ? 0 : InterTokenMs.Max());

    /// <summary>Waited longer than <paramref name="thresholdMs"/> for some token (a rejected request never waits).</summary>
    public bool StalledLongerThan(double thresholdMs) => Outcome != RequestOutcome.Rejected && LongestSilenceMs > thresholdMs;

    /// <summary>Waited longer than <paramref name="thresholdMs"/> between two tokens, after the stream had started.</summary>
    public bool StalledMidStreamLongerThan(double thresholdMs) => InterTokenMs.Any(gap => gap > thresholdMs);

    /// <summary>Mean decode time per token after the first: (last − first) / (tokens − 1).</summary>
    public double? TimePerOutputTokenMs =>
        FirstTokenMs is { } first && LastTokenMs is { } last && CompletionTokens > 1
            ? (last - first) / (CompletionTokens - 1)
            : null;
}
