using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>
/// Preallocated per-layer key/value storage, <c>[slots, kvHeads, capacity, headDim]</c> in the compute dtype on
/// the model's device. Each running sequence owns one slot; steps write their new keys and values in place and
/// attention reads zero-copy views of the slots. Layout and trade-offs: KvCache.md.
/// Not thread-safe: one scheduler thread owns a cache.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private readonly int[] _lengths;
    private readonly int[] _initialised;
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
        // empty, not zeros: on the CPU untouched pages of a large cache stay unallocated until a sequence
        // reaches them. Positions that batched decode attention reads past a slot's length (masked, but still
        // multiplied) are zeroed on first use instead; see Initialise.
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var layer = 0; layer < layers; layer++)
        {
            _keys[layer] = empty([slots, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
            _values[layer] = empty([slots, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
        }
        _lengths = new int[slots];
        _initialised = new int[slots];
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
        SetLength(destination, length);
    }

    /// <summary>The whole key tensor of one layer, <c>[slots, kvHeads, capacity, headDim]</c>.</summary>
    public Tensor Keys(int layer) => _keys[layer];

    /// <summary>The whole value tensor of one layer, <c>[slots, kvHeads, capacity, headDim]</c>.</summary>
    public Tensor Values(int layer) => _values[layer];

    /// <summary>
    /// Writes the keys and values of packed tokens, <c>[tokens, kvHeads, headDim]</c>, token <c>i</c> at position
    /// <c>positions[i]</c> of slot <c>slots[i]</c> (int64 index tensors): one indexed write per tensor, whatever the
    /// number of sequences.
    /// </summary>
    internal void Write(int layer, Tensor slots, Tensor positions, Tensor keys, Tensor values)
    {
        // index_put_ returns the cache tensor itself: nothing to dispose.
        _keys[layer].index_put_(keys, TensorIndex.Tensor(slots), TensorIndex.Colon, TensorIndex.Tensor(positions));
        _values[layer].index_put_(values, TensorIndex.Tensor(slots), TensorIndex.Colon, TensorIndex.Tensor(positions));
    }

    /// <summary>Views of positions <c>0 .. length - 1</c> of one slot, each <c>[1, kvHeads, length, headDim]</c>.</summary>
    internal (Tensor Keys, Tensor Values) Prefix(int layer, int slot, int length) =>
        (_keys[layer].narrow(0, slot, 1).narrow(2, 0, length), _values[layer].narrow(0, slot, 1).narrow(2, 0, length));

    /// <summary>
    /// Views of positions <c>0 .. length - 1</c> of slots <c>first .. first + count - 1</c>, each
    /// <c>[count, kvHeads, length, headDim]</c>: batched decode attention reads them in place.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Window(int layer, int first, int count, int length) =>
        (_keys[layer].narrow(0, first, count).narrow(2, 0, length), _values[layer].narrow(0, first, count).narrow(2, 0, length));

    /// <summary>
    /// Makes positions <c>0 .. length - 1</c> of <paramref name="slot"/> hold finite values in every layer, zeroing
    /// those that were never written: batched attention multiplies masked positions by zero weights, and a NaN
    /// left in uninitialised memory would survive that. Each position is zeroed at most once per cache.
    /// </summary>
    internal void Initialise(int slot, int length)
    {
        if (_initialised[slot] >= length) return;
        using (no_grad())
        using (NewDisposeScope())
        {
            var from = _initialised[slot];
            foreach (var layer in _keys.Concat(_values))
                layer.narrow(0, slot, 1).narrow(2, from, length - from).zero_();
        }
        _initialised[slot] = length;
    }

    /// <summary>Records that <paramref name="slot"/> now holds <paramref name="length"/> valid positions.</summary>
    internal void SetLength(int slot, int length)
    {
        _lengths[slot] = length;
        _initialised[slot] = Math.Max(_initialised[slot], length);
    }

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
