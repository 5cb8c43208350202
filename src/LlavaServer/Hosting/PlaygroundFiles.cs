namespace LlavaServer.Hosting;

/// <summary>
/// Serves the web playground (<c>wwwroot</c>: <c>/</c> is <c>index.html</c>) ahead of the API-key check, so the
/// page loads for anyone and asks for the key itself. Paths without a file fall through to the API routes
/// and their error envelopes.
/// </summary>
public static class PlaygroundFiles
{
    // The page needs nothing from other origins; images are attached as data: URLs and shown as blob: or data: URLs.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    public static IApplicationBuilder UsePlayground(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        return app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // File names carry no version, so a browser must revalidate (ETag) to pick up a new build.
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers["Referrer-Policy"] = "no-referrer";
                }
            },
        });
    }
}
