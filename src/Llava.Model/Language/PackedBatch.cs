using System.Runtime.InteropServices;
using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>
/// What every decoder layer needs about a packed batch, computed once per forward: rotary cos/sin per token, the
/// slot and position each token's key and value are written to, the batched attention of the single-token
/// (decode) chunks, and each longer (prefill) chunk's row range and masking. All index data goes to the device in
/// one upload through the step's <see cref="StepIndexBuffer"/> (on a GPU one non-blocking copy from pinned memory,
/// on the CPU none). Tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class PackedBatch
{
    /// <summary>
    /// Decode attention reads every slot up to the longest one rounded up to this, so a sequence's attention does
    /// not depend on which other sequences share the step: the CPU SDPA kernel walks keys in blocks of 512, and
    /// blocks past a slot's length are masked out entirely, which leaves its result bit for bit unchanged.
    /// </summary>
    internal const int KeyLengthQuantum = 512;

    private PackedBatch(Tensor cos, Tensor signedSin, Tensor slots, Tensor positions, DecodeGroup? decode,
        DecodeRows? managedDecode, IReadOnlyList<PackedChunk> prefills, Tensor? unpermute, Tensor? lastRows)
    {
        ManagedDecode = managedDecode;
        LastRows = lastRows;
        Cos = cos;
        SignedSin = signedSin;
        Slots = slots;
        Positions = positions;
        Decode = decode;
        Prefills = prefills;
        Unpermute = unpermute;
    }

    /// <summary><c>[tokens, 1, headDim]</c>, broadcasting over heads.</summary>
    public Tensor Cos { get; }

    /// <summary>See <see cref="RotaryEmbedding.ForPositions"/>.</summary>
    public Tensor SignedSin { get; }

    /// <summary>int64 <c>[tokens]</c>: the slot of each packed token.</summary>
    public Tensor Slots { get; }

    /// <summary>int64 <c>[tokens]</c>: the position of each packed token in its slot.</summary>
    public Tensor Positions { get; }

    /// <summary>The single-token chunks, attended together in libtorch; null when there are none or <see cref="ManagedDecode"/> takes them.</summary>
    public DecodeGroup? Decode { get; }

    /// <summary>The single-token chunks for <see cref="DecodeAttention"/>; null when there are none or libtorch attends them.</summary>
    public DecodeRows? ManagedDecode { get; }

    /// <summary>The chunks of more than one token, in batch order.</summary>
    public IReadOnlyList<PackedChunk> Prefills { get; }

    /// <summary>
    /// Attention outputs come out as the decode rows, then the prefill chunks' rows; when that is not the packed
    /// order, this int64 <c>[tokens]</c> index puts them back.
    /// </summary>
    public Tensor? Unpermute { get; }

    /// <summary>int64 <c>[chunks]</c>: each chunk's last packed row; null when every chunk is a single token.</summary>
    public Tensor? LastRows { get; }

    /// <param name="groups">Query heads per KV head; masks are laid out for grouped queries (see LlamaAttention).</param>
    /// <param name="managedDecode">Whether <see cref="DecodeAttention"/> attends the single-token chunks (the caller
    /// has checked <see cref="DecodeAttention.Takes"/>); they then need no mask, no upload and no zeroed cache.</param>
    public static PackedBatch Build(ForwardBatch batch, KvCache cache, RotaryEmbedding rotary, int groups,
        ScalarType dtype, Device device, StepIndexBuffer upload, bool managedDecode = false)
    {
        var chunks = batch.Chunks;
        var tokens = batch.TotalTokens;
        var decodes = chunks.Select((chunk, index) => (chunk, index)).Where(c => c.chunk.Length == 1).ToList();
        var decodeLeads = decodes.Select(c => c.index).SequenceEqual(Enumerable.Range(0, decodes.Count));

        // One int64 buffer: positions, slots, then the decode group's slot offsets, slot lengths and rows, the
        // unpermutation, and each chunk's last row.
        var data = new List<long>(3 * tokens + 2 * decodes.Count + 16);
        var offsets = new int[chunks.Count];
        var offset = 0;
        for (var c = 0; c < chunks.Count; c++)
        {
            offsets[c] = offset;
            for (var i = 0; i < chunks[c].Length; i++) data.Add(chunks[c].StartPosition + i);
            offset += chunks[c].Length;
        }
        foreach (var chunk in chunks)
            for (var i = 0; i < chunk.Length; i++) data.Add(chunk.Slot);

        var managed = decodes.Count > 0 && managedDecode
            ? new DecodeRows(decodes.Select(c => offsets[c.index]).ToArray(), decodes.Select(c => c.chunk.Slot).ToArray(),
                decodes.Select(c => c.chunk.StartPosition + 1).ToArray())
            : null;
        var decodePlan = decodes.Count == 0 || managed is not null ? null : DecodePlan.For(decodes.Select(c => c.chunk).ToList(), cache.Capacity);
        var inSlotOrder = decodePlan is not null && decodePlan.Lengths.Length == decodes.Count
                          && decodes.Select((c, i) => c.chunk.Slot == decodePlan.FirstSlot + i).All(x => x);
        if (decodePlan is not null)
        {
            if (!inSlotOrder) data.AddRange(decodes.Select(c => (long)(c.chunk.Slot - decodePlan.FirstSlot)));
            data.AddRange(decodePlan.Lengths);
            if (!decodeLeads) data.AddRange(decodes.Select(c => (long)offsets[c.index]));
        }
        if (!decodeLeads)
        {
            var order = decodes.Select(c => offsets[c.index])
                .Concat(chunks.Select((chunk, c) => (chunk, c)).Where(p => p.chunk.Length > 1)
                    .SelectMany(p => Enumerable.Range(offsets[p.c], p.chunk.Length)))
                .ToArray();
            var inverse = new long[tokens];
            for (var i = 0; i < order.Length; i++) inverse[order[i]] = i;
            data.AddRange(inverse);
        }
        if (tokens != chunks.Count)
            data.AddRange(chunks.Select((chunk, c) => (long)(offsets[c] + chunk.Length - 1)));

        var indices = upload.Upload(CollectionsMarshal.AsSpan(data));
        var cursor = 0L;
        Tensor Next(long length)
        {
            var view = indices.narrow(0, cursor, length);
            cursor += length;
            return view;
        }
        var positions = Next(tokens);
        var slots = Next(tokens);
        DecodeGroup? decode = null;
        if (decodePlan is not null)
        {
            var slotOffsets = inSlotOrder ? null : Next(decodes.Count);
            var lengths = Next(decodePlan.Lengths.Length);
            var rows = decodeLeads ? null : Next(decodes.Count);
            foreach (var slot in Enumerable.Range(decodePlan.FirstSlot, decodePlan.Lengths.Length))
                cache.Initialise(slot, decodePlan.KeyLength);
            decode = new DecodeGroup(decodes.Count, decodes.Count == chunks.Count, rows, decodePlan.FirstSlot,
                decodePlan.Lengths.Length, slotOffsets, decodePlan.KeyLength, LengthMask(lengths, decodePlan.KeyLength, dtype, device));
        }
        var unpermute = decodeLeads ? null : Next(tokens);
        var lastRows = tokens == chunks.Count ? null : Next(chunks.Count);

        var prefills = chunks.Select((chunk, c) => (chunk, c)).Where(p => p.chunk.Length > 1)
            .Select(p => new PackedChunk(p.chunk.Slot, p.chunk.StartPosition, p.chunk.Length, offsets[p.c],
                Mask(p.chunk, groups, device), Causal: p.chunk.StartPosition == 0 && groups == 1))
            .ToList();
        var (cos, sin) = rotary.ForPositions(positions, dtype);
        return new PackedBatch(cos.unsqueeze(1), sin.unsqueeze(1), slots, positions, decode, managed, prefills, unpermute, lastRows);
    }

    /// <summary>
    /// An additive mask <c>[slots, 1, 1, keyLength]</c> in the compute dtype: 0 for a slot's first
    /// <c>lengths[s]</c> positions, -∞ after.
    /// </summary>
    private static Tensor LengthMask(Tensor lengths, int keyLength, ScalarType dtype, Device device)
    {
        using var end = keyLength.ToScalar();
        using var negativeInfinity = double.NegativeInfinity.ToScalar();
        using var keyPositions = arange(Scalars.Zero, end, Scalars.One, ScalarType.Int64, device);
        using var hidden = keyPositions.unsqueeze(0).ge(lengths.unsqueeze(1));
        var mask = zeros([lengths.shape[0], 1, 1, keyLength], dtype, device);
        using var hiddenView = hidden.view(lengths.shape[0], 1, 1, keyLength);
        return mask.masked_fill_(hiddenView, negativeInfinity);
    }

    /// <summary>
    /// A boolean mask (true = attend) when SDPA's own causal flag cannot express the pattern: a chunk that
    /// continues a cached prefix (SDPA's causal mask is aligned top-left), or grouped query rows.
    /// </summary>
    private static Tensor? Mask(SequenceChunk chunk, int groups, Device device)
    {
        if (chunk.StartPosition == 0 && groups == 1) return null;
        var end = chunk.StartPosition + chunk.Length;
        using var first = chunk.StartPosition.ToScalar();
        using var stop = end.ToScalar();
        using var queryPositions = arange(first, stop, Scalars.One, ScalarType.Int64, device).unsqueeze(1);
        using var keyPositions = arange(Scalars.Zero, stop, Scalars.One, ScalarType.Int64, device).unsqueeze(0);
        using var mask = keyPositions.le(queryPositions);
        return mask.repeat(groups, 1);
    }

    /// <summary>The slot range the decode chunks span, each slot's visible length, and the keys read.</summary>
    private sealed record DecodePlan(int FirstSlot, long[] Lengths, int KeyLength)
    {
        public static DecodePlan For(IReadOnlyList<SequenceChunk> decodes, int capacity)
        {
            var first = decodes.Min(c => c.Slot);
            var last = decodes.Max(c => c.Slot);
            // Slots in the range that do not decode this step see position 0 only, so no row is fully masked.
            var lengths = new long[last - first + 1];
            Array.Fill(lengths, 1L);
            foreach (var chunk in decodes) lengths[chunk.Slot - first] = chunk.StartPosition + 1;
            var longest = (int)lengths.Max();
            var quantised = (longest + KeyLengthQuantum - 1) / KeyLengthQuantum * KeyLengthQuantum;
            return new DecodePlan(first, lengths, Math.Min(quantised, capacity));
        }
    }
}

/// <summary>One multi-token chunk's place in the packed rows and its attention masking.</summary>
internal sealed record PackedChunk(int Slot, int StartPosition, int Length, int Offset, Tensor? Mask, bool Causal);

/// <summary>
/// The single-token chunks of a step: <paramref name="Count"/> of them (<paramref name="AllRows"/>: the whole batch),
/// at packed <paramref name="Rows"/> (null: rows <c>0 .. Count - 1</c>), in slots <paramref name="FirstSlot"/> +
/// <paramref name="SlotOffsets"/> (null: <c>0 .. Count - 1</c>, the range exactly); attention reads
/// <paramref name="KeyLength"/> positions of <paramref name="SlotCount"/> slots under <paramref name="Mask"/>.
/// </summary>
internal sealed record DecodeGroup(int Count, bool AllRows, Tensor? Rows, int FirstSlot, int SlotCount,
    Tensor? SlotOffsets, int KeyLength, Tensor Mask);
