using Llava.Engine.Generation;
using Llava.Engine.Prompting;

namespace LlavaServer.Api.Errors;

/// <summary>
/// The one mapping from the engine's refusals and failures to what a client is told, whether they surface before a
/// response (the status of <see cref="ApiErrorMiddleware"/>'s envelope) or in a stream (its error event).
/// </summary>
public static class EngineErrors
{
    /// <summary>
    /// The API error for an engine exception; null for any other exception (a bug, answered with a 500 that shows no
    /// internals).
    /// </summary>
    public static ApiException? Map(Exception error) => error switch
    {
        ApiException api => api,
        PromptException { Problem: PromptProblem.TooLong } tooLong =>
            ApiException.BadRequest(tooLong.Message, tooLong.Param ?? "messages", "context_length_exceeded"),
        PromptException invalid => ApiException.BadRequest(invalid.Message, invalid.Param ?? "messages"),
        EngineBusyException busy => new ApiException(StatusCodes.Status429TooManyRequests, busy.Message,
            ErrorTypes.RateLimit, code: "rate_limit_exceeded") { RetryAfterSeconds = 1 },
        // A queue deadline is the server saying "busy", which clients retry (503 + Retry-After, like vLLM's overload answers).
        EngineTimeoutException timeout => new ApiException(StatusCodes.Status503ServiceUnavailable, timeout.Message,
            ErrorTypes.ServiceUnavailable, code: "queue_timeout") { RetryAfterSeconds = 1 },
        _ => null,
    };

    /// <summary>What a stream says when its generation failed after the response started.</summary>
    public static ApiException ForStream(Exception error) => Map(error) ?? GenerationFailed;

    public static ApiException GenerationFailed =>
        new(StatusCodes.Status500InternalServerError, "Generation failed on the server.", ErrorTypes.Server);
}
