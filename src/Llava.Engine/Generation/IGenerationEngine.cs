using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Tokenization;

namespace Llava.Engine.Generation;

/// <summary>What the HTTP layer and the CLI call; nothing here is tied to HTTP.</summary>
public interface IGenerationEngine : IDisposable
{
    ModelInfo Model { get; }

    LlavaTokenizer Tokenizer { get; }

    PromptBuilder Prompts { get; }

    /// <summary>
    /// Streams the sequence's tokens. The last event carries <see cref="GenerationEvent.Finish"/> and the
    /// usage. Cancelling the token frees the sequence at the next engine step. Throws
    /// <see cref="PromptException"/> for prompts that can never run and <see cref="EngineBusyException"/>
    /// when the queue is full; the stream itself fails with <see cref="EngineTimeoutException"/> when the request
    /// is not admitted within <see cref="EngineOptions.QueueTimeout"/>.
    /// </summary>
    IAsyncEnumerable<GenerationEvent> GenerateAsync(PreparedPrompt prompt, SamplingParams parameters,
        CancellationToken cancellationToken = default);
}

/// <param name="Name">The served model id.</param>
/// <param name="MaxModelLength">Prompt plus generated tokens may not exceed this.</param>
/// <param name="Precision">The model's dtype and matmul precision, and why (<see cref="Llava.Model.ModelPrecision.Description"/>).</param>
public sealed record ModelInfo(string Name, string Path, int MaxModelLength, int ImageSeqLength, string Precision);

/// <summary>The waiting queue is full; the client should retry later (HTTP 429).</summary>
public sealed class EngineBusyException(string message) : Exception(message);
