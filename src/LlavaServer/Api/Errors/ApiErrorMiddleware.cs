using LlavaServer.Hosting;

namespace LlavaServer.Api.Errors;

/// <summary>
/// Turns every failure into the OpenAI envelope: <see cref="ApiException"/> and the engine's refusals with the status
/// <see cref="EngineErrors"/> gives them, Kestrel's bad-request errors (413 body too large, …) with theirs, work cut
/// by the drain deadline a 503, anything else a 500 that shows no stack trace.
/// </summary>
public sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, InFlightRequests inFlight)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            logger.LogInformation("client disconnected from {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        catch (OperationCanceledException) when (inFlight.DrainDeadline.IsCancellationRequested)
        {
            await WriteIfPossibleAsync(context, ApiException.ShuttingDown());
        }
        catch (BadHttpRequestException e)
        {
            var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : null;
            await WriteIfPossibleAsync(context, new ApiException(e.StatusCode, e.Message, ErrorTypes.InvalidRequest, code: code));
        }
        catch (Exception e) when (EngineErrors.Map(e) is not null)
        {
            await WriteIfPossibleAsync(context, EngineErrors.Map(e)!);
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
