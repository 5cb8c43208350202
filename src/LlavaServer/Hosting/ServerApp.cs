using Llava.Engine.Generation;
using LlavaServer.Api;
using LlavaServer.Api.Chat;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Images;
using LlavaServer.Api.Status;
using LlavaServer.Telemetry;
using Microsoft.AspNetCore.HostFiltering;

namespace LlavaServer.Hosting;

/// <summary>Builds the HTTP server; tests call <see cref="Build"/> with their own flags and start it in-process.</summary>
public static class ServerApp
{
    /// <param name="configureServices">Runs after the server's own registrations, so tests can replace some.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Flags are parsed by CommandLine (vLLM names), not by the generic command-line provider.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(CommandLine.ToSettings(args));
        var options = OptionsLoader.Load(builder.Configuration);

        ConfigureLogging(builder.Logging, options);
        var host = options.Host.Contains(':') ? $"[{options.Host}]" : options.Host;
        builder.WebHost.UseUrls($"http://{host}:{options.Port}");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        var drainTimeout = TimeSpan.FromSeconds(options.ShutdownDrainSeconds);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drainTimeout + InFlightRequests.Farewell);
        if (options.AllowedHosts.Count > 0)
            builder.Services.Configure<HostFilteringOptions>(o => o.AllowedHosts = options.AllowedHosts);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<EngineLoader>((engineOptions, logger) => LlavaEngine.Load(engineOptions, logger));
        builder.Services.AddSingleton<EngineHost>();
        builder.Services.AddHostedService(services => services.GetRequiredService<EngineHost>());
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<RemoteImageFetcher>();
        builder.Services.AddSingleton<ImageUrlResolver>();
        builder.Services.AddSingleton<InFlightRequests>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServerActivity>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ServerActivity>());
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = ApiJson.Options.PropertyNamingPolicy;
            json.SerializerOptions.Encoder = ApiJson.Options.Encoder;
            json.SerializerOptions.NumberHandling = ApiJson.Options.NumberHandling;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Context);
        });
        builder.Services.AddOpenApi(OpenApiSetup.Configure);
        builder.Services.AddServerTelemetry(options);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        OpenListenerWarning.LogIfOpen(app.Logger, options);
        var inFlight = app.Services.GetRequiredService<InFlightRequests>();
        inFlight.DrainOnStop(app.Lifetime, app.Logger, drainTimeout);

        app.UseMiddleware<RequestIdMiddleware>();
        app.Use(inFlight.TrackAsync);
        app.UseMiddleware<ApiErrorMiddleware>();
        app.UseStatusCodePages(context => ErrorResponses.WriteForBareStatusAsync(context.HttpContext));
        app.UsePlayground();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "swagger";
            ui.SwaggerEndpoint("/openapi/v1.json", "LlavaServer API");
        });

        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapProbes();
        app.MapModels();
        app.MapChatCompletions();
        app.MapTokenizer();
        app.MapStatus();
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ServerOptions options)
    {
        logging.ClearProviders();
        if (options.LogFormat == "json")
        {
            logging.AddJsonConsole(console =>
            {
                console.IncludeScopes = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.IncludeScopes = true;
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
    }
}
