namespace Llava.Engine.Scheduling;

/// <summary>
/// Chooses what one forward pass computes. Every decoding sequence advances by one token each step, so running
/// streams keep flowing; the rest of the token budget goes to prefill chunks, oldest admission first, so a long
/// prompt is split over several steps instead of stalling everyone behind it.
/// </summary>
internal static class StepPlanner
{
    /// <param name="running">Admitted sequences in admission order.</param>
    /// <param name="tokenBudget">Tokens per step; larger than the number of running sequences.</param>
    /// <returns>Decode chunks first, then prefill chunks.</returns>
    public static List<PlannedChunk> Plan(IReadOnlyList<Sequence> running, int tokenBudget)
    {
        var plan = new List<PlannedChunk>(running.Count);
        foreach (var sequence in running)
        {
            if (!sequence.IsPrefilling) plan.Add(new PlannedChunk(sequence, sequence.CachedLength, 1, IsDecode: true));
        }
        var left = tokenBudget - plan.Count;
        foreach (var sequence in running)
        {
            if (left <= 0) break;
            if (!sequence.IsPrefilling) continue;
            var length = Math.Min(sequence.PrefillTarget - sequence.CachedLength, left);
            plan.Add(new PlannedChunk(sequence, sequence.CachedLength, length, IsDecode: false));
            left -= length;
        }
        return plan;
    }
}
