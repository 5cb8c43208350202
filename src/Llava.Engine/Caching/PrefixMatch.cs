namespace Llava.Engine.Caching;

/// <summary>How much of a new sequence's input a slot already holds.</summary>
/// <param name="Slot">Where the reusable keys and values are.</param>
/// <param name="FromCache">The slot is a cached prefix to adopt, rather than a running sequence's slot to copy from.</param>
/// <param name="Logits">
/// Set when the match covers the sequence's whole input: the logits to sample its next token from, so nothing at
/// all is computed for it.
/// </param>
internal readonly record struct PrefixMatch(int Slot, int Length, bool FromCache, float[]? Logits)
{
    public static PrefixMatch None => new(-1, 0, false, null);

    /// <summary>
    /// The longest reusable prefix of a sequence whose next token follows <paramref name="target"/> positions with
    /// keys <paramref name="keyAt"/>. Without logits for the whole input the match stops one position short, since
    /// that position must be computed to get them. Ties go to cached prefixes, which are adopted without a copy.
    /// </summary>
    public static PrefixMatch Longest(Func<int, long> keyAt, int target, IEnumerable<PrefixSource> sources)
    {
        var best = None;
        foreach (var source in sources)
        {
            var limit = Math.Min(target, source.Length);
            var length = 0;
            while (length < limit && source.KeyAt(length) == keyAt(length)) length++;
            float[]? logits = null;
            if (length == target && source.PromptLength == target && source.PromptLogits is not null)
                logits = source.PromptLogits;
            else
                length = Math.Min(length, target - 1);
            if (length > best.Length || (length == best.Length && length > 0 && source.IsCached && !best.FromCache))
                best = new PrefixMatch(source.Slot, length, source.IsCached, logits);
        }
        return best;
    }
}
