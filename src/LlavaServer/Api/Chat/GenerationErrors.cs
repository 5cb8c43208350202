using Llava.Engine.Generation;
using LlavaServer.Api.Errors;

namespace LlavaServer.Api.Chat;

/// <summary>What a client is told when a choice fails after it was accepted.</summary>
internal static class GenerationErrors
{
    /// <summary>
    /// A queue deadline is the server saying "busy", which clients retry (503 + Retry-After, like vLLM's overload
    /// answers); anything else is our failure, reported without internals.
    /// </summary>
    public static ApiException ToApiException(Exception error) => error switch
    {
        EngineTimeoutException timeout => new ApiException(StatusCodes.Status503ServiceUnavailable, timeout.Message,
            ErrorTypes.ServiceUnavailable, code: "queue_timeout") { RetryAfterSeconds = 1 },
        _ => new ApiException(StatusCodes.Status500InternalServerError, "Generation failed on the server.", ErrorTypes.Server),
    };
}
