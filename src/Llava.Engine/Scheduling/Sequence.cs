using System.Threading.Channels;
using Llava.Engine.Caching;
using Llava.Engine.Constraints;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.Engine.Tokenization;
using static TorchSharp.torch;

namespace Llava.Engine.Scheduling;

/// <summary>
/// One request's state on the engine thread: its cache slot and prefill progress, the tokens so far, and the
/// output side (sampler, detokenizer, stop strings, finish rules). Preemption only takes the slot away; everything
/// else carries over, so a resumed sequence continues its stream exactly where it stopped. Only the engine thread
/// touches it, except <see cref="Cancel"/>, which request threads call.
/// </summary>
internal sealed class Sequence
{
    private readonly StreamingDetokenizer _detokenizer;
    private readonly StopStringMatcher _stopStrings;
    private readonly ChannelWriter<GenerationEvent> _output;
    private readonly HashSet<int> _stopTokenIds;
    private readonly int _maxModelLength;
    private readonly SequenceConstraint? _constraint;
    private volatile bool _cancelled;
    private bool _completed;

    /// <param name="stopTokenIds">The ids that end this sequence (<see cref="StopTokens.For"/>).</param>
    public Sequence(PreparedPrompt prompt, PromptIdentity identity, SamplingParams parameters, LlavaTokenizer tokenizer,
        HashSet<int> stopTokenIds, int maxModelLength, ChannelWriter<GenerationEvent> output)
    {
        Prompt = prompt;
        Identity = identity;
        Parameters = parameters;
        Sampler = new Sampler(parameters, prompt.TokenIds);
        _detokenizer = tokenizer.CreateStreamingDetokenizer();
        _stopStrings = new StopStringMatcher(parameters.Stop);
        _stopTokenIds = stopTokenIds;
        _maxModelLength = maxModelLength;
        _output = output;
        if (parameters.Grammar is { } grammar)
            _constraint = new SequenceConstraint(grammar, TokenTrie.For(tokenizer), stopTokenIds);
    }

    public PreparedPrompt Prompt { get; }
    public SamplingParams Parameters { get; }
    public Sampler Sampler { get; }

    public PromptIdentity Identity { get; }

    /// <summary>KV-cache slot while admitted, -1 otherwise.</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Tokens whose keys and values are in the slot.</summary>
    public int CachedLength { get; set; }

    /// <summary>
    /// Positions the slot must hold before the next token can be sampled: the prompt, plus the tokens generated
    /// before a preemption (recomputed as part of the prefill).
    /// </summary>
    public int PrefillTarget { get; set; }

    public bool IsPrefilling => CachedLength < PrefillTarget;

    /// <summary>Decoder input for positions <see cref="PrefillStart"/> .. <see cref="PrefillTarget"/> - 1 while prefilling.</summary>
    public Tensor? PrefillEmbeddings { get; set; }

    public int PrefillStart { get; set; }

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

    /// <summary>No more tokens will come: a finish reason was reached or the sequence was ended.</summary>
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
    /// Samples from this step's logits (under the output grammar, if any), emits the token and decides whether the
    /// sequence ends. Logprobs are those of the raw model, before logit_bias and the grammar's mask, as vLLM returns
    /// them by default: they say how likely the model found the token, which is what a caller scoring outputs or
    /// measuring confidence wants, and a masked distribution would report certainty wherever the grammar leaves one
    /// choice.
    /// </summary>
    public void Advance(ReadOnlySpan<float> logits)
    {
        var allowed = _constraint is null ? default : _constraint.NextAllowed(logits.Length);
        if (_constraint is not null && allowed.IsEmpty)
        {
            // The value is closed and no end token may be sampled (ignore_eos): it ends here.
            Finish(FinishReason.Stop, _stopStrings.Append(_detokenizer.Flush()) + _stopStrings.Flush());
            return;
        }
        var token = Sampler.Sample(logits, allowed);
        _constraint?.Accept(token);
        Sampler.Accept(token);
        Generated.Add(token);

        StepLogprobs? logprobs = null;
        FinishReason? finish = null;
        string text;
        if (_stopTokenIds.Contains(token))
        {
            text = _stopStrings.Append(_detokenizer.Flush()) + _stopStrings.Flush();
            finish = FinishReason.Stop;
        }
        else
        {
            if (Parameters.TopLogprobs is { } top) logprobs = LogprobCalculator.Compute(logits, token, top);
            text = _stopStrings.Append(_detokenizer.Append(token));
            if (_stopStrings.Stopped)
                finish = FinishReason.Stop;
            else if (Generated.Count >= Parameters.MaxTokens || Prompt.TokenIds.Count + Generated.Count >= _maxModelLength)
            {
                text += _stopStrings.Append(_detokenizer.Flush()) + _stopStrings.Flush();
                finish = FinishReason.Length;
            }
        }

        _output.TryWrite(new GenerationEvent { TokenId = token, Text = text, Logprobs = logprobs });
        if (finish is { } reason) Finish(reason, "");
    }

    private void Finish(FinishReason reason, string text)
    {
        _output.TryWrite(new GenerationEvent
        {
            Text = text,
            Finish = reason,
            Usage = new GenerationUsage(Prompt.TokenIds.Count, Generated.Count, CachedPromptTokens),
        });
        Finished = true;
    }

    /// <summary>Marks the sequence as failed; the engine retires it with <see cref="Failure"/> after this step.</summary>
    public void Fail(Exception error)
    {
        Failure = error;
        Finished = true;
    }

    /// <summary>
    /// Ends the output stream; an exception surfaces in the request's reader. The engine calls it once the
    /// sequence's slot is released and the stats are published, so a reader that sees its stream end also sees
    /// the engine state after it.
    /// </summary>
    public void Complete(Exception? error)
    {
        Finished = true;
        if (_completed) return;
        _completed = true;
        _output.TryComplete(error);
    }
}
