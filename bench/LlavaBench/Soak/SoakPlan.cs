namespace LlavaBench.Soak;

/// <param name="Warmup">RSS "after warm-up" is the first sample at or after this time.</param>
public sealed record SoakPlan(
    string DType,
    TimeSpan Duration,
    int Concurrency,
    int MaxNumSeqs,
    int MaxWaitingRequests,
    TimeSpan StallThreshold,
    TimeSpan Warmup);
