namespace Llava.Model;

/// <summary>
/// One sequence's share of a packed forward batch: <paramref name="Length"/> new tokens for the sequence that owns
/// KV-cache slot <paramref name="Slot"/>. <paramref name="StartPosition"/> is the number of tokens already in the
/// slot, so the chunk's tokens take positions <c>StartPosition .. StartPosition + Length - 1</c>.
/// </summary>
public sealed record SequenceChunk(int Slot, int StartPosition, int Length);
