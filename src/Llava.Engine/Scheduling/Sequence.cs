using Llava.Engine.Caching;
using Llava.Engine.Constraints;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;

namespace Llava.Engine.Scheduling;

/// <summary>
/// One request's scheduling state on the engine thread: its place in the queue, its cache slot and how many of its
/// positions the slot holds, the tokens so far, and what decides the next one: the sampler and the output grammar's
/// state. What the client sees (text,
/// stop strings, the stream) is its <see cref="Output"/>; the decoder input it still has to prefill is the model
/// runner's. Preemption only takes the slot away; everything else carries over, so a resumed sequence continues
/// exactly where it stopped. Only the engine thread touches it, except <see cref="Cancel"/>, which request threads
/// call.
/// </summary>
internal sealed class Sequence
{
    private volatile bool _cancelled;

    /// <param name="constraint">The state of <see cref="SamplingParams.Grammar"/>; null when it is null.</param>
    public Sequence(PreparedPrompt prompt, PromptIdentity identity, SamplingParams parameters, SequenceConstraint? constraint,
        SequenceOutput output)
    {
        Prompt = prompt;
        Identity = identity;
        Parameters = parameters;
        Sampler = new Sampler(parameters, prompt.TokenIds);
        Constraint = constraint;
        Output = output;
    }

    public PreparedPrompt Prompt { get; }
    public SamplingParams Parameters { get; }
    public Sampler Sampler { get; }

    /// <summary>The output grammar's state, which masks each step's logits before sampling; null when unconstrained.</summary>
    public SequenceConstraint? Constraint { get; }

    public PromptIdentity Identity { get; }

    public SequenceOutput Output { get; }

    public SequenceStatus Status { get; set; } = SequenceStatus.Waiting;

    /// <summary>KV-cache slot while running, -1 otherwise.</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Tokens whose keys and values are in the slot: the one record of the slot's length the scheduler keeps.</summary>
    public int CachedLength { get; set; }

    /// <summary>
    /// Positions the slot must hold before the next token can be sampled: the prompt, plus the tokens generated
    /// before a preemption (recomputed as part of the prefill).
    /// </summary>
    public int PrefillTarget { get; set; }

    public bool IsPrefilling => CachedLength < PrefillTarget;

    /// <summary>
    /// The logits after the whole prompt, kept (with prefix caching) so that a later request with the same prompt
    /// can reuse them along with the keys and values: it then samples its first token from exactly these logits.
    /// </summary>
    public float[]? PromptLogits { get; set; }

    /// <summary>When the sequence (last) entered the waiting queue, in <see cref="TimeProvider"/> timestamps.</summary>
    public long EnqueuedAt { get; set; }

    /// <summary>When the sequence last received a slot, and in which engine step.</summary>
    public long AdmittedAt { get; set; }

    public long AdmittedStep { get; set; }

    /// <summary>Admitted at least once: the stream has started, so queue deadlines no longer apply.</summary>
    public bool WasAdmitted { get; set; }

    /// <summary>Prompt positions found already computed at the first admission (<see cref="GenerationUsage.CachedPromptTokens"/>).</summary>
    public int CachedPromptTokens { get; set; }

    public List<int> Generated { get; } = [];

    /// <summary>Prompt plus generated tokens.</summary>
    public int TokenCount => Prompt.TokenIds.Count + Generated.Count;

    /// <summary>No more tokens will come: a finish reason was reached or the sequence failed; the scheduler retires it.</summary>
    public bool Finished { get; private set; }

    public bool IsCancelled => _cancelled;

    /// <summary>Why the sequence ended early on the engine thread, if it did (its stream ends with it).</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The token to feed next: the last one sampled.</summary>
    public int LastToken => Generated[^1];

    public void Cancel() => _cancelled = true;

    /// <summary>The prefix-cache key of a position: the prompt's identity, then the generated token ids.</summary>
    public long KeyAt(int position) =>
        position < Prompt.TokenIds.Count ? Identity.Keys[position] : Generated[position - Prompt.TokenIds.Count];

    /// <summary>The keys of the positions <c>0 .. length - 1</c>.</summary>
    public long[] Keys(int length)
    {
        var keys = new long[length];
        var fromPrompt = Math.Min(length, Identity.Keys.Length);
        Array.Copy(Identity.Keys, keys, fromPrompt);
        for (var i = fromPrompt; i < length; i++) keys[i] = Generated[i - fromPrompt];
        return keys;
    }

    /// <summary>
    /// Takes a sampled token: the grammar's state reads it, the sampler's penalties see it, and it is the next
    /// position to feed.
    /// </summary>
    public void Accept(int token)
    {
        Constraint?.Accept(token);
        Sampler.Accept(token);
        Generated.Add(token);
    }

    /// <summary>Marks that a finish reason was reached (the output has emitted its final event).</summary>
    public void Finish() => Finished = true;

    /// <summary>Marks the sequence as failed; the scheduler retires it with <see cref="Failure"/> after this step.</summary>
    public void Fail(Exception error)
    {
        Failure = error;
        Finished = true;
    }
}
