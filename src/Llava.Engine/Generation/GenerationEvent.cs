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

    /// <summary>Null unless asked for, and for a token that ends the sequence (EOS, a stop token id).</summary>
    public StepLogprobs? Logprobs { get; init; }
    public FinishReason? Finish { get; init; }
    public GenerationUsage? Usage { get; init; }
}

/// <param name="CachedPromptTokens">
/// Prompt positions (image positions included) whose keys and values were reused from the prefix cache or a running
/// sequence instead of computed, when the sequence was first admitted (OpenAI's <c>cached_tokens</c>).
/// </param>
public sealed record GenerationUsage(int PromptTokens, int CompletionTokens, int CachedPromptTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
