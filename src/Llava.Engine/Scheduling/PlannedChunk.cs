namespace Llava.Engine.Scheduling;

/// <summary>One sequence's share of an engine step: positions <c>Start .. Start + Length - 1</c> of its slot.</summary>
/// <param name="IsDecode">The sequence's last sampled token (Length 1), as opposed to a chunk of its prefill.</param>
/// <param name="KeepsPromptLogits">
/// The chunk completes the prompt and the prefix cache wants the logits after it kept with the sequence
/// (<see cref="Sequence.PromptLogits"/>).
/// </param>
internal sealed record PlannedChunk(Sequence Sequence, int Start, int Length, bool IsDecode, bool KeepsPromptLogits = false)
{
    /// <summary>The step yields logits to sample from: a decode, or the chunk that completes a prefill.</summary>
    public bool ProducesToken => IsDecode || Start + Length == Sequence.PrefillTarget;
}
