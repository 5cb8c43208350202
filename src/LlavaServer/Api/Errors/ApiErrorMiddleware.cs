namespace LlavaServer.Api.Errors;

/// <summary>
/// Turns every failure into the OpenAI envelope: <see cref="ApiException"/> with its status, Kestrel's
/// bad-request errors (413 body too large, …) with theirs, anything else a 500 that shows no stack trace.
/// </summary>
public sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            logger.LogInformation("client disconnected from {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        catch (ApiException e)
        {
            await WriteIfPossibleAsync(context, e);
        }
        catch (BadHttpRequestException e)
        {
            var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : null;
            await WriteIfPossibleAsync(context, new ApiException(e.StatusCode, e.Message, ErrorTypes.InvalidRequest, code: code));
        }
        catch (Exception e)
        {
            logger.LogError(e, "unhandled error in {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteIfPossibleAsync(context, new ApiException(StatusCodes.Status500InternalServerError,
                "The server had an error while processing your request.", ErrorTypes.Server));
        }
    }

    private async Task WriteIfPossibleAsync(HttpContext context, ApiException e)
    {
        if (context.Response.HasStarted)
        {
            logger.LogWarning("{Status} error after the response started; closing the connection: {Message}", e.Status, e.Message);
            context.Abort();
            return;
        }
        context.Response.Clear();
        await ErrorResponses.WriteAsync(context, e);
    }
}
