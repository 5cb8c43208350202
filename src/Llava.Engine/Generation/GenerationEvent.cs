using Llava.Engine.Sampling;

namespace Llava.Engine.Generation;

public enum FinishReason
{
    /// <summary>EOS, a stop token or a stop string.</summary>
    Stop,

    /// <summary>max_tokens or the context length was reached.</summary>
    Length,
}

/// <summary>
/// One generated token (or, last, the end of the sequence). <see cref="Text"/> is the newly printable
/// text, which may be empty while a UTF-8 character or a possible stop string is incomplete.
/// </summary>
public sealed record GenerationEvent
{
    public int? TokenId { get; init; }
    public string Text { get; init; } = "";
    public StepLogprobs? Logprobs { get; init; }
    public FinishReason? Finish { get; init; }
    public GenerationUsage? Usage { get; init; }
}

public sealed record GenerationUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
