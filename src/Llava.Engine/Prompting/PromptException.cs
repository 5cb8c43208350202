namespace Llava.Engine.Prompting;

/// <summary>What is wrong with a prompt that cannot be served.</summary>
public enum PromptProblem
{
    /// <summary>Malformed: placeholders that do not match the images, an image that does not decode, ….</summary>
    Invalid,

    /// <summary>Prompt plus completion exceed the model's context (OpenAI's <c>context_length_exceeded</c>).</summary>
    TooLong,
}

/// <summary>The request's prompt cannot be served as given (the caller's fault, an HTTP 400).</summary>
public sealed class PromptException(string message, string? param = null, PromptProblem problem = PromptProblem.Invalid)
    : Exception(message)
{
    /// <summary>The request field at fault, when known (OpenAI's error <c>param</c>).</summary>
    public string? Param { get; } = param;

    public PromptProblem Problem { get; } = problem;
}
