using Llava.Engine.Caching;

namespace Llava.Engine.Scheduling;

/// <summary>
/// A sequence given a slot in this step, and what its slot already holds. The model runner acts on it before the
/// forward: it builds the decoder input for the positions still to compute, unless the match came with logits
/// (then the first token is sampled from those).
/// </summary>
internal sealed record Admission(Sequence Sequence, PrefixMatch Match)
{
    /// <summary>The matched prefix was copied from another running sequence's slot (a cached one is adopted in place).</summary>
    public bool CopiesPrefix => !Match.FromCache && Match.Length > 0;
}
