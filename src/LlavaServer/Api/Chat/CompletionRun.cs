using System.Diagnostics;
using System.Threading.Channels;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using LlavaServer.Api.Errors;

namespace LlavaServer.Api.Chat;

/// <summary>One engine event of choice <see cref="Index"/>, or the error that ended that choice.</summary>
/// <param name="Timestamp">When it left the engine (<see cref="Stopwatch.GetTimestamp"/>).</param>
internal sealed record ChoiceEvent(int Index, GenerationEvent? Event, Exception? Error, long Timestamp);

/// <summary>
/// The n sequences of one chat request, submitted together and read as one stream of events tagged with
/// their choice index. Disposing it (or cancelling the request) cancels every sequence still running,
/// which frees its KV-cache slot at the engine's next step.
/// </summary>
internal sealed class CompletionRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly Channel<ChoiceEvent> _events = Channel.CreateUnbounded<ChoiceEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pumps;

    private CompletionRun(IReadOnlyList<IAsyncEnumerable<GenerationEvent>> sequences, CancellationTokenSource cancel)
    {
        _cancel = cancel;
        _pumps = Task.WhenAll(sequences.Select((sequence, index) => Task.Run(() => PumpAsync(index, sequence))))
            .ContinueWith(_ => _events.Writer.TryComplete(), TaskScheduler.Default);
    }

    /// <summary>
    /// Submits every choice. Refusals surface as API errors: 400 for parameters or a prompt too long for
    /// the context, 429 when the engine's queue is full (choices already queued are withdrawn).
    /// </summary>
    public static async Task<CompletionRun> StartAsync(IGenerationEngine engine, PreparedPrompt prompt,
        IReadOnlyList<SamplingParams> choices, CancellationToken requestAborted)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        var sequences = new List<IAsyncEnumerable<GenerationEvent>>(choices.Count);
        try
        {
            foreach (var parameters in choices) sequences.Add(engine.GenerateAsync(prompt, parameters, cancel.Token));
            return new CompletionRun(sequences, cancel);
        }
        catch (Exception e)
        {
            await cancel.CancelAsync();
            foreach (var sequence in sequences) await WithdrawAsync(sequence, cancel.Token);
            cancel.Dispose();
            throw e switch
            {
                ArgumentException argument => ApiException.FromArgument(argument),
                PromptException tooLong => ApiException.BadRequest(tooLong.Message, tooLong.Param ?? "messages", "context_length_exceeded"),
                EngineBusyException busy => ApiException.Busy(busy.Message),
                _ => e,
            };
        }
    }

    public IAsyncEnumerable<ChoiceEvent> ReadAllAsync(CancellationToken cancellationToken) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    private async Task PumpAsync(int index, IAsyncEnumerable<GenerationEvent> sequence)
    {
        try
        {
            await foreach (var item in sequence.WithCancellation(_cancel.Token))
                _events.Writer.TryWrite(new ChoiceEvent(index, item, null, Stopwatch.GetTimestamp()));
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _events.Writer.TryWrite(new ChoiceEvent(index, null, e, Stopwatch.GetTimestamp()));
        }
    }

    /// <summary>
    /// A queued sequence is only cancellable once its reader has started; start it with the cancelled
    /// token so the engine drops it.
    /// </summary>
    private static async Task WithdrawAsync(IAsyncEnumerable<GenerationEvent> sequence, CancellationToken cancelled)
    {
        await using var reader = sequence.GetAsyncEnumerator(cancelled);
        try
        {
            await reader.MoveNextAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        await _pumps;
        _cancel.Dispose();
    }
}
