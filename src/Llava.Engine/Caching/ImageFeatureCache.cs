using static TorchSharp.torch;

namespace Llava.Engine.Caching;

/// <summary>
/// Projected image features (<c>[ImageSeqLen, hidden]</c> on the model's device) by image cache key (the content
/// hash, scoped by the request's cache salt; <see cref="PromptIdentity.ImageCacheKeys"/>), least
/// recently used first out once the stored bytes would exceed the capacity. Only the engine thread touches it.
/// </summary>
internal sealed class ImageFeatureCache(long capacityBytes) : IDisposable
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();

    public long CapacityBytes { get; } = capacityBytes;
    public long Bytes { get; private set; }
    public int Count => _entries.Count;
    public long Hits { get; private set; }
    public long Misses { get; private set; }

    /// <summary>
    /// The cached features as a new handle in the caller's dispose scope, so a later eviction cannot free them
    /// while the caller still uses them; null (a miss) when absent.
    /// </summary>
    public Tensor? TryGet(string key)
    {
        if (!_entries.TryGetValue(key, out var node))
        {
            Misses++;
            return null;
        }
        Hits++;
        _recency.Remove(node);
        _recency.AddFirst(node);
        return node.Value.Features.alias();
    }

    /// <summary>Keeps <paramref name="features"/> (the cache takes its own handle); features larger than the whole capacity are not kept.</summary>
    public void Add(string key, Tensor features)
    {
        var size = features.numel() * features.ElementSize;
        if (size > CapacityBytes || _entries.ContainsKey(key)) return;
        while (Bytes + size > CapacityBytes) Evict(_recency.Last!);
        var entry = new Entry(key, features.alias().DetachFromDisposeScope(), size);
        _entries[key] = _recency.AddFirst(entry);
        Bytes += size;
    }

    private void Evict(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        Bytes -= node.Value.Size;
        node.Value.Features.Dispose();
    }

    public void Dispose()
    {
        while (_recency.Last is { } last) Evict(last);
    }

    private sealed record Entry(string Key, Tensor Features, long Size);
}
