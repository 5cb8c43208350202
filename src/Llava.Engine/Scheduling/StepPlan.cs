namespace Llava.Engine.Scheduling;

/// <summary>
/// What <see cref="Scheduler.Schedule"/> decided for one engine step, for the engine loop to carry out.
/// </summary>
/// <param name="Admitted">Sequences given a slot this step, in queue order.</param>
/// <param name="Preempted">Sequences that lost their slot this step and went back to the head of the queue.</param>
/// <param name="Chunks">
/// What the forward computes: one token for every decoding sequence (admission order), then prefill chunks
/// (admission order) until <paramref name="TokenBudget"/> positions are planned.
/// </param>
/// <param name="TokenBudget">Positions one forward may run (<c>MaxBatchTokens</c>).</param>
internal sealed record StepPlan(
    long Step,
    IReadOnlyList<Admission> Admitted,
    IReadOnlyList<Sequence> Preempted,
    IReadOnlyList<PlannedChunk> Chunks,
    int TokenBudget)
{
    /// <summary>Positions the forward runs.</summary>
    public int TokenCount => Chunks.Sum(chunk => chunk.Length);
}
