namespace Llava.Model;

/// <summary>
/// The chunks of one packed decoder step, in the order their token embeddings are concatenated. A batch may mix
/// prompt chunks (prefill, Length &gt; 1) with single-token decode chunks; each slot appears at most once.
/// </summary>
public sealed record ForwardBatch(IReadOnlyList<SequenceChunk> Chunks)
{
    public int TotalTokens => Chunks.Sum(chunk => chunk.Length);

    public static ForwardBatch Single(int slot, int startPosition, int length) =>
        new([new SequenceChunk(slot, startPosition, length)]);
}
