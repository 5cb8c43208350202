namespace LlavaServer.Hosting;

/// <summary>
/// Echoes each request's id in <c>X-Request-Id</c>. The id is ASP.NET Core's own (already in every log
/// line's scope as RequestId) unless the caller sent a sane <c>X-Request-Id</c>, which then replaces it and
/// is added to the logging scope, so a proxy's id can be followed through the logs.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string Header = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        if (!IsSane(incoming))
        {
            context.Response.Headers[Header] = context.TraceIdentifier;
            await next(context);
            return;
        }

        context.TraceIdentifier = incoming;
        context.Response.Headers[Header] = incoming;
        using (logger.BeginScope("ClientRequestId:{ClientRequestId}", incoming))
        {
            await next(context);
        }
    }

    private static bool IsSane(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
