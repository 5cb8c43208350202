namespace Llava.Engine.Caching;

/// <summary>
/// A slot whose first <see cref="Length"/> positions hold keys and values for the keys <see cref="KeyAt"/> gives: a
/// cached prefix or a running sequence.
/// </summary>
/// <param name="IsCached">A cached prefix (its slot can be adopted), not a running sequence (its prefix must be copied).</param>
/// <param name="PromptLogits">
/// The logits computed after the first <paramref name="PromptLength"/> positions (the source's prompt), if kept: a
/// request with exactly that prompt can sample its first token from them without running the model.
/// </param>
internal sealed record PrefixSource(int Slot, int Length, Func<int, long> KeyAt, bool IsCached, int PromptLength, float[]? PromptLogits);
