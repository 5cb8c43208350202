using System.Threading.Channels;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.Engine.Tokenization;

namespace Llava.Engine.Scheduling;

/// <summary>
/// One request's state on the engine thread: its cache slot, the tokens so far, and the output side
/// (detokenizer, stop strings, finish rules). Only the engine thread touches it, except
/// <see cref="Cancel"/>, which request threads call.
/// </summary>
internal sealed class Sequence
{
    private readonly StreamingDetokenizer _detokenizer;
    private readonly StopStringMatcher _stopStrings;
    private readonly ChannelWriter<GenerationEvent> _output;
    private readonly HashSet<int> _stopTokenIds;
    private readonly int _maxModelLength;
    private volatile bool _cancelled;

    public Sequence(PreparedPrompt prompt, SamplingParams parameters, LlavaTokenizer tokenizer,
        IEnumerable<int> eosTokenIds, int maxModelLength, ChannelWriter<GenerationEvent> output)
    {
        Prompt = prompt;
        Parameters = parameters;
        Sampler = new Sampler(parameters, prompt.TokenIds);
        _detokenizer = tokenizer.CreateStreamingDetokenizer();
        _stopStrings = new StopStringMatcher(parameters.Stop);
        _stopTokenIds = [.. parameters.StopTokenIds];
        if (!parameters.IgnoreEos) _stopTokenIds.UnionWith(eosTokenIds);
        _maxModelLength = maxModelLength;
        _output = output;
    }

    public PreparedPrompt Prompt { get; }
    public SamplingParams Parameters { get; }
    public Sampler Sampler { get; }

    /// <summary>KV-cache slot while admitted, -1 otherwise.</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Tokens whose keys and values are in the slot.</summary>
    public int CachedLength { get; set; }

    public List<int> Generated { get; } = [];

    public bool Finished { get; private set; }

    public bool IsCancelled => _cancelled;

    /// <summary>The token to feed next: the last one sampled.</summary>
    public int LastToken => Generated[^1];

    public void Cancel() => _cancelled = true;

    /// <summary>Samples from this step's logits, emits the token and decides whether the sequence ends.</summary>
    public void Advance(ReadOnlySpan<float> logits)
    {
        var token = Sampler.Sample(logits);
        Sampler.Accept(token);
        Generated.Add(token);

        var logprobs = Parameters.TopLogprobs is { } top ? LogprobCalculator.Compute(logits, token, top) : null;
        FinishReason? finish = null;
        string text;
        if (_stopTokenIds.Contains(token))
        {
            text = _stopStrings.Append(_detokenizer.Flush()) + _stopStrings.Flush();
            finish = FinishReason.Stop;
        }
        else
        {
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
        if (finish is { } reason)
        {
            _output.TryWrite(new GenerationEvent
            {
                Finish = reason,
                Usage = new GenerationUsage(Prompt.TokenIds.Count, Generated.Count),
            });
            Complete(null);
        }
    }

    /// <summary>Ends the output stream; an exception surfaces in the request's reader.</summary>
    public void Complete(Exception? error)
    {
        if (Finished) return;
        Finished = true;
        _output.TryComplete(error);
    }
}
