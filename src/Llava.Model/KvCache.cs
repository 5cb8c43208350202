using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>
/// Preallocated per-layer key/value storage, <c>[slots, kvHeads, capacity, headDim]</c> in the compute dtype on
/// the model's device. Each running sequence owns one slot; steps write their new keys and values in place and
/// attention reads a zero-copy view of the slot's filled prefix. Layout and trade-offs: KvCache.md.
/// Not thread-safe: one scheduler thread owns a cache.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private readonly int[] _lengths;
    private readonly bool[] _inUse;
    private readonly SortedSet<int> _free;

    public KvCache(int layers, int slots, int capacity, int kvHeads, int headDim, ScalarType dtype, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        NumLayers = layers;
        NumSlots = slots;
        Capacity = capacity;
        // empty, not zeros: positions past a slot's length are never read, and on the CPU untouched pages of
        // a large cache stay unallocated until a sequence actually reaches them.
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var layer = 0; layer < layers; layer++)
        {
            _keys[layer] = empty([slots, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
            _values[layer] = empty([slots, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
        }
        _lengths = new int[slots];
        _inUse = new bool[slots];
        _free = new SortedSet<int>(Enumerable.Range(0, slots));
    }

    public int NumLayers { get; }

    public int NumSlots { get; }

    /// <summary>Tokens one slot holds (prompt plus generated).</summary>
    public int Capacity { get; }

    public int FreeSlots => _free.Count;

    /// <summary>Claims an empty slot for a new sequence.</summary>
    /// <exception cref="InvalidOperationException">Every slot is in use.</exception>
    public int AllocateSlot()
    {
        if (_free.Count == 0)
            throw new InvalidOperationException($"all {NumSlots} KV-cache slots are in use");
        var slot = _free.Min;
        _free.Remove(slot);
        _inUse[slot] = true;
        _lengths[slot] = 0;
        return slot;
    }

    /// <summary>Returns a finished sequence's slot; its contents are simply overwritten by the next owner.</summary>
    public void FreeSlot(int slot)
    {
        RequireAllocated(slot);
        _inUse[slot] = false;
        _lengths[slot] = 0;
        _free.Add(slot);
    }

    public bool IsAllocated(int slot) => slot >= 0 && slot < NumSlots && _inUse[slot];

    /// <summary>Number of positions of <paramref name="slot"/> holding valid keys and values.</summary>
    public int Length(int slot)
    {
        RequireAllocated(slot);
        return _lengths[slot];
    }

    /// <summary>
    /// Copies positions <c>0 .. length - 1</c> of <paramref name="source"/> into <paramref name="destination"/> in every
    /// layer and sets the destination's length to <paramref name="length"/>: a new sequence that shares a prompt prefix
    /// with a cached one starts from that prefix's keys and values instead of recomputing them.
    /// </summary>
    /// <exception cref="ArgumentException">A slot is not allocated, the slots are the same, or the source holds fewer
    /// than <paramref name="length"/> positions.</exception>
    public void CopyPrefix(int source, int destination, int length)
    {
        RequireAllocated(source);
        RequireAllocated(destination);
        if (source == destination)
            throw new ArgumentException($"cannot copy slot {source} onto itself", nameof(destination));
        if (length < 0 || length > _lengths[source])
            throw new ArgumentOutOfRangeException(nameof(length), length,
                $"slot {source} holds {_lengths[source]} positions");
        using (no_grad())
        using (NewDisposeScope())
        {
            foreach (var layer in _keys.Concat(_values))
                layer.select(0, destination).narrow(1, 0, length).copy_(layer.select(0, source).narrow(1, 0, length));
        }
        _lengths[destination] = length;
    }

    /// <summary>The whole key tensor of one layer, <c>[slots, kvHeads, capacity, headDim]</c>.</summary>
    public Tensor Keys(int layer) => _keys[layer];

    /// <summary>The whole value tensor of one layer, <c>[slots, kvHeads, capacity, headDim]</c>.</summary>
    public Tensor Values(int layer) => _values[layer];

    /// <summary>
    /// Writes one chunk's keys and values (<c>[kvHeads, length, headDim]</c>) at positions
    /// <c>start .. start + length - 1</c> of <paramref name="slot"/> and returns views of the slot's keys and values
    /// for positions <c>0 .. start + length - 1</c>, shaped <c>[1, kvHeads, start + length, headDim]</c>.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, int slot, int start, Tensor keys, Tensor values)
    {
        var length = (int)keys.shape[1];
        using var slotKeys = _keys[layer].select(0, slot);
        using var slotValues = _values[layer].select(0, slot);
        using (var target = slotKeys.narrow(1, start, length)) target.copy_(keys);
        using (var target = slotValues.narrow(1, start, length)) target.copy_(values);
        return (slotKeys.narrow(1, 0, start + length).unsqueeze(0), slotValues.narrow(1, 0, start + length).unsqueeze(0));
    }

    /// <summary>Records that <paramref name="slot"/> now holds <paramref name="length"/> valid positions.</summary>
    internal void SetLength(int slot, int length) => _lengths[slot] = length;

    public void Dispose()
    {
        foreach (var tensor in _keys) tensor.Dispose();
        foreach (var tensor in _values) tensor.Dispose();
    }

    private void RequireAllocated(int slot)
    {
        if (!IsAllocated(slot))
            throw new ArgumentException($"KV-cache slot {slot} is not allocated (slots 0..{NumSlots - 1})", nameof(slot));
    }
}
