namespace Llava.Engine.Prompting;

/// <summary>The request's prompt cannot be served as given (the caller's fault, an HTTP 400).</summary>
public sealed class PromptException(string message, string? param = null) : Exception(message)
{
    /// <summary>The request field at fault, when known (OpenAI's error <c>param</c>).</summary>
    public string? Param { get; } = param;

    /// <summary>The prompt is too long for the model's context (OpenAI's <c>context_length_exceeded</c>).</summary>
    public bool ExceedsContext { get; init; }
}
