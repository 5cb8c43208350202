namespace Llava.Engine.Caching;

/// <summary>
/// Keeps the KV-cache slots of finished (or preempted) sequences as reusable prompt prefixes, least recently used
/// first out, and hands out slots for new sequences: a free slot if there is one, otherwise the least recently
/// used cached prefix. With contiguous slots a cached prefix costs no memory beyond the slot it already occupies,
/// so prefixes live exactly as long as no admission needs their slot (or <c>maxEntries</c> is reached).
/// Only the engine thread touches it.
/// </summary>
internal sealed class PrefixCache(ISlotPool slots, int maxEntries)
{
    private readonly Dictionary<int, CachedPrefix> _entries = [];
    private long _clock;

    /// <summary>Slots held as cached prefixes.</summary>
    public int Count => _entries.Count;

    /// <summary>Positions held by cached prefixes.</summary>
    public long Tokens => _entries.Values.Sum(entry => (long)entry.Keys.Length);

    public long Hits { get; private set; }
    public long Misses { get; private set; }
    public long ReusedTokens { get; private set; }

    /// <summary>A slot can be handed out without preempting anyone.</summary>
    public bool CanAllocate => slots.FreeSlots > 0 || _entries.Count > 0;

    /// <summary>A free slot, or else the least recently used cached prefix's slot (the prefix is dropped).</summary>
    public int AllocateSlot()
    {
        if (slots.FreeSlots == 0)
        {
            var oldest = _entries.Values.MinBy(entry => entry.LastUsed)
                ?? throw new InvalidOperationException("no KV-cache slot is free or cached");
            _entries.Remove(oldest.Slot);
            slots.FreeSlot(oldest.Slot);
        }
        return slots.AllocateSlot();
    }

    /// <summary>
    /// Takes back a slot whose first <c>keys.Length</c> positions hold valid keys and values for those keys; it is
    /// kept as a prefix if the cache may hold one more, otherwise freed. <paramref name="promptLogits"/>, when known,
    /// are the logits after the first <paramref name="promptLength"/> positions.
    /// </summary>
    public void Release(int slot, long[] keys, int promptLength, float[]? promptLogits)
    {
        if (maxEntries == 0 || keys.Length == 0)
        {
            slots.FreeSlot(slot);
            return;
        }
        if (_entries.Count >= maxEntries)
        {
            var oldest = _entries.Values.MinBy(entry => entry.LastUsed)!;
            _entries.Remove(oldest.Slot);
            slots.FreeSlot(oldest.Slot);
        }
        _entries[slot] = new CachedPrefix(slot, keys, ++_clock, promptLength, promptLogits);
    }

    /// <summary>The cached prefixes, as candidates for <see cref="PrefixMatch.Longest"/>.</summary>
    public IEnumerable<PrefixSource> Sources => _entries.Values.Select(entry => new PrefixSource(
        entry.Slot, entry.Keys.Length, position => entry.Keys[position], IsCached: true, entry.PromptLength, entry.PromptLogits));

    /// <summary>Hands a cached prefix's slot, still holding its keys and values, to a new sequence.</summary>
    public int Adopt(int slot)
    {
        if (!_entries.Remove(slot)) throw new ArgumentException($"slot {slot} holds no cached prefix", nameof(slot));
        return slot;
    }

    public void RecordHit(int reusedTokens)
    {
        Hits++;
        ReusedTokens += reusedTokens;
    }

    public void RecordMiss() => Misses++;

    private sealed record CachedPrefix(int Slot, long[] Keys, long LastUsed, int PromptLength, float[]? PromptLogits);
}
