using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlavaServer.Api.Errors;

/// <summary>
/// Reads a JSON request body with the API's own error wording: a bad type or bad JSON is a 400 that
/// names the field, a body over Kestrel's limit a 413 — never ASP.NET's ProblemDetails.
/// </summary>
public static class RequestBodyReader
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo) where T : class
    {
        // Parsing to a document first tells malformed JSON (no field to blame) from a field of the wrong type.
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            throw new ApiException(StatusCodes.Status413PayloadTooLarge,
                $"The request body is too large (the limit is {limit} bytes).", ErrorTypes.InvalidRequest,
                code: "request_too_large");
        }
        catch (BadHttpRequestException e)
        {
            throw new ApiException(e.StatusCode, e.Message, ErrorTypes.InvalidRequest);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiException.BadRequest("The request body must be a JSON object.");
            try
            {
                return document.Deserialize(typeInfo)!;
            }
            catch (JsonException e)
            {
                throw WrongType(e);
            }
        }
    }

    private static ApiException WrongType(JsonException e)
    {
        var param = ParamFromPath(e.Path);
        var detail = e.Message;
        var pathAt = detail.IndexOf(" Path: ", StringComparison.Ordinal);
        if (pathAt >= 0) detail = detail[..pathAt];
        const string conversion = "The JSON value could not be converted to ";
        if (detail.StartsWith(conversion, StringComparison.Ordinal))
            detail = "expected " + Describe(detail[conversion.Length..].TrimEnd('.'));
        return ApiException.BadRequest($"Invalid value for '{param}': {detail}.".Replace("..", "."), param);
    }

    /// <summary><c>$.messages[0].content</c> → <c>messages[0].content</c>, OpenAI's <c>param</c> style.</summary>
    public static string? ParamFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return null;
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Describe(string clrType) => clrType switch
    {
        _ when clrType.Contains("Int32") || clrType.Contains("Int64") => "an integer",
        _ when clrType.Contains("Double") || clrType.Contains("Single") => "a number",
        _ when clrType.Contains("Boolean") => "a boolean",
        _ when clrType.Contains("String") && !clrType.Contains("List") => "a string",
        _ when clrType.Contains("List") => "an array",
        _ => "an object",
    };
}
