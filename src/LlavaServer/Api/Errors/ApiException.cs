using Llava.Engine.Prompting;

namespace LlavaServer.Api.Errors;

/// <summary>A request that ends in an OpenAI-style error envelope with this status.</summary>
public sealed class ApiException(int status, string message, string type, string? param = null, string? code = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;

    /// <summary>Seconds a client should wait before retrying (429, 503).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiException BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, ErrorTypes.InvalidRequest, param, code);

    /// <summary>The engine's parameter checks name the OpenAI field as the exception's ParamName.</summary>
    public static ApiException FromArgument(ArgumentException e)
    {
        var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
        return BadRequest(message, e.ParamName);
    }

    /// <summary>A request still running when the server's drain time ran out.</summary>
    public static ApiException ShuttingDown() =>
        new(StatusCodes.Status503ServiceUnavailable, "The server is shutting down; the request was not completed.",
            ErrorTypes.Server, code: "server_shutting_down");

    public static ApiException NotReady(string message) =>
        new(StatusCodes.Status503ServiceUnavailable, message, ErrorTypes.ServiceUnavailable, code: "model_not_ready")
        {
            RetryAfterSeconds = 5,
        };
}

/// <summary>The <c>error.type</c> values OpenAI and vLLM clients know.</summary>
public static class ErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_exceeded";
    public const string ServiceUnavailable = "service_unavailable_error";
    public const string Server = "server_error";
}
