using System.Text.Json;
using LlavaServer.Api.Contracts;
using Microsoft.AspNetCore.WebUtilities;

namespace LlavaServer.Api.Errors;

/// <summary>Writes OpenAI error envelopes, including for the bare statuses routing and Kestrel produce.</summary>
public static class ErrorResponses
{
    public static ErrorResponse Envelope(ApiException e) => new(new ErrorBody(e.Message, e.Type, e.Param, e.Code));

    public static string Json(ApiException e) => JsonSerializer.Serialize(Envelope(e), ApiJson.Context.ErrorResponse);

    public static async Task WriteAsync(HttpContext context, ApiException e)
    {
        var response = context.Response;
        response.StatusCode = e.Status;
        if (e.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (e.Status == StatusCodes.Status401Unauthorized) response.Headers.WWWAuthenticate = "Bearer";
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, Envelope(e), ApiJson.Context.ErrorResponse);
    }

    /// <summary>For a response that ended with an error status and no body (unknown route, wrong method, …).</summary>
    public static Task WriteForBareStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var request = context.Request;
        var error = status switch
        {
            StatusCodes.Status404NotFound => new ApiException(status,
                $"Route {request.Method} {request.Path} not found.", ErrorTypes.NotFound, code: "not_found"),
            StatusCodes.Status405MethodNotAllowed => new ApiException(status,
                $"Method {request.Method} is not allowed for {request.Path}.", ErrorTypes.InvalidRequest, code: "method_not_allowed"),
            StatusCodes.Status415UnsupportedMediaType => new ApiException(status,
                "The request body must be JSON, sent with 'Content-Type: application/json'.", ErrorTypes.InvalidRequest,
                code: "unsupported_media_type"),
            StatusCodes.Status413PayloadTooLarge => new ApiException(status,
                "The request body is too large.", ErrorTypes.InvalidRequest, code: "request_too_large"),
            >= 500 => new ApiException(status, ReasonPhrases.GetReasonPhrase(status), ErrorTypes.Server),
            _ => new ApiException(status, ReasonPhrases.GetReasonPhrase(status), ErrorTypes.InvalidRequest),
        };
        return WriteAsync(context, error);
    }
}
