using System.Threading.Channels;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.Engine.Tokenization;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The output side of one request: turns each sampled token into a stream event (detokenized text, stop strings,
/// logprobs), decides whether a finish reason is reached, and ends the stream. Only the engine thread calls it.
/// </summary>
internal sealed class SequenceOutput
{
    private readonly StreamingDetokenizer _detokenizer;
    private readonly StopStringMatcher _stopStrings;
    private readonly ChannelWriter<GenerationEvent> _output;
    private readonly HashSet<int> _stopTokenIds;
    private readonly int _maxModelLength;
    private bool _completed;

    /// <param name="stopTokenIds">The ids that end this sequence (<see cref="StopTokens.For"/>).</param>
    public SequenceOutput(StreamingDetokenizer detokenizer, SamplingParams parameters, HashSet<int> stopTokenIds,
        int maxModelLength, ChannelWriter<GenerationEvent> output)
    {
        _detokenizer = detokenizer;
        _stopStrings = new StopStringMatcher(parameters.Stop);
        _stopTokenIds = stopTokenIds;
        _maxModelLength = maxModelLength;
        _output = output;
    }

    /// <summary>
    /// Emits the token <paramref name="sequence"/> just accepted, with the final event when it ends the sequence.
    /// </summary>
    /// <param name="logprobs">The step's logprobs when the request asked for them; a stop token drops them.</param>
    /// <returns>Whether a finish reason was reached.</returns>
    public bool Emit(Sequence sequence, StepLogprobs? logprobs)
    {
        var token = sequence.LastToken;
        var generated = sequence.Generated.Count;
        var promptLength = sequence.Prompt.TokenIds.Count;
        FinishReason? finish = null;
        string text;
        if (_stopTokenIds.Contains(token))
        {
            text = _stopStrings.Append(_detokenizer.Flush()) + _stopStrings.Flush();
            finish = FinishReason.Stop;
            logprobs = null;
        }
        else
        {
            text = _stopStrings.Append(_detokenizer.Append(token));
            if (_stopStrings.Stopped)
                finish = FinishReason.Stop;
            else if (generated >= sequence.Parameters.MaxTokens || promptLength + generated >= _maxModelLength)
            {
                text += _stopStrings.Append(_detokenizer.Flush()) + _stopStrings.Flush();
                finish = FinishReason.Length;
            }
        }

        _output.TryWrite(new GenerationEvent { TokenId = token, Text = text, Logprobs = logprobs });
        if (finish is not { } reason) return false;
        End(sequence, reason, "");
        return true;
    }

    /// <summary>
    /// Ends the sequence without a token: its output grammar's value is complete, nothing may follow it and no end
    /// token may be sampled (<c>ignore_eos</c>), so it stops as if it had sampled one.
    /// </summary>
    public void EndClosedValue(Sequence sequence) =>
        End(sequence, FinishReason.Stop, _stopStrings.Append(_detokenizer.Flush()) + _stopStrings.Flush());

    /// <summary>The final event: the text still held back, the finish reason and the usage.</summary>
    private void End(Sequence sequence, FinishReason reason, string text) =>
        _output.TryWrite(new GenerationEvent
        {
            Text = text,
            Finish = reason,
            Usage = new GenerationUsage(sequence.Prompt.TokenIds.Count, sequence.Generated.Count, sequence.CachedPromptTokens),
        });

    /// <summary>
    /// Ends the stream once; an exception surfaces in the request's reader. The engine calls it after the
    /// sequence's slot is released and the stats are published, so a reader that sees its stream end also sees
    /// the engine state after it.
    /// </summary>
    public void Complete(Exception? error)
    {
        if (_completed) return;
        _completed = true;
        _output.TryComplete(error);
    }
}
