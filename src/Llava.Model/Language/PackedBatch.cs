using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>
/// What every decoder layer needs about a packed batch, computed once per forward: rotary cos/sin per token and,
/// per chunk, its row range in the packed tensors and how its attention is masked. Tensors belong to the
/// caller's dispose scope.
/// </summary>
internal sealed class PackedBatch
{
    private PackedBatch(Tensor cos, Tensor sin, IReadOnlyList<PackedChunk> chunks)
    {
        Cos = cos;
        Sin = sin;
        Chunks = chunks;
    }

    /// <summary><c>[tokens, 1, headDim]</c>, broadcasting over heads.</summary>
    public Tensor Cos { get; }

    public Tensor Sin { get; }

    public IReadOnlyList<PackedChunk> Chunks { get; }

    /// <param name="groups">Query heads per KV head; masks are laid out for grouped queries (see LlamaAttention).</param>
    public static PackedBatch Build(ForwardBatch batch, RotaryEmbedding rotary, int groups, ScalarType dtype, Device device)
    {
        var positions = new long[batch.TotalTokens];
        var chunks = new List<PackedChunk>(batch.Chunks.Count);
        var offset = 0;
        foreach (var chunk in batch.Chunks)
        {
            for (var i = 0; i < chunk.Length; i++)
                positions[offset + i] = chunk.StartPosition + i;
            chunks.Add(new PackedChunk(chunk.Slot, chunk.StartPosition, chunk.Length, offset,
                Mask(chunk, groups, device), Causal: chunk.Length > 1 && chunk.StartPosition == 0 && groups == 1));
            offset += chunk.Length;
        }
        using var positionIds = tensor(positions, device: device);
        var (cos, sin) = rotary.ForPositions(positionIds, dtype);
        return new PackedBatch(cos.unsqueeze(1), sin.unsqueeze(1), chunks);
    }

    /// <summary>
    /// A boolean mask (true = attend) when SDPA's own causal flag cannot express the pattern: a chunk that
    /// continues a cached prefix (SDPA's causal mask is aligned top-left), or grouped query rows.
    /// A single new token attends to everything cached, so it needs no mask at all.
    /// </summary>
    private static Tensor? Mask(SequenceChunk chunk, int groups, Device device)
    {
        if (chunk.Length == 1 || (chunk.StartPosition == 0 && groups == 1)) return null;
        var end = chunk.StartPosition + chunk.Length;
        using var first = chunk.StartPosition.ToScalar();
        using var stop = end.ToScalar();
        using var queryPositions = arange(first, stop, Scalars.One, ScalarType.Int64, device).unsqueeze(1);
        using var keyPositions = arange(Scalars.Zero, stop, Scalars.One, ScalarType.Int64, device).unsqueeze(0);
        using var mask = keyPositions.le(queryPositions);
        return mask.repeat(groups, 1);
    }
}

/// <summary>One chunk's place in the packed rows and its attention masking.</summary>
internal sealed record PackedChunk(int Slot, int StartPosition, int Length, int Offset, Tensor? Mask, bool Causal);
