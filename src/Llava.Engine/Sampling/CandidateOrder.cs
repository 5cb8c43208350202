namespace Llava.Engine.Sampling;

/// <summary>
/// The host's order of a device's top candidates. The device returns them by descending value, but in no specified
/// order among equal values; the host ranks ties lower id first, so that order is restored here.
/// </summary>
internal static class CandidateOrder
{
    /// <summary>
    /// Fills <paramref name="order"/> with <c>0 .. order.Length - 1</c> ranked by descending
    /// <paramref name="values"/>, ties by ascending <paramref name="ids"/>. The values must already be in descending
    /// order, so this insertion sort only moves candidates within runs of equal values.
    /// </summary>
    public static void Rank(ReadOnlySpan<float> values, ReadOnlySpan<long> ids, Span<int> order)
    {
        for (var i = 0; i < order.Length; i++) order[i] = i;
        for (var i = 1; i < order.Length; i++)
        {
            for (var j = i; j > 0 && values[order[j]] == values[order[j - 1]] && ids[order[j]] < ids[order[j - 1]]; j--)
                (order[j], order[j - 1]) = (order[j - 1], order[j]);
        }
    }
}
