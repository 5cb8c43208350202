using LlavaServer.Cli;

namespace LlavaServer.Hosting;

/// <summary>Binds <see cref="ServerOptions"/> from configuration, adds API keys from the environment, and checks ranges.</summary>
public static class OptionsLoader
{
    public static ServerOptions Load(IConfiguration configuration)
    {
        ServerOptions options;
        try
        {
            options = configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the value ("Failed to convert configuration value '…' at 'Llava:Port' …").
            throw new CliException(e.Message);
        }
        var environmentKeys = CommandLine.ApiKeyVariables.Select(Environment.GetEnvironmentVariable).OfType<string>();
        options.ApiKeys = CommandLine.SplitList(options.ApiKeys.Concat(environmentKeys)).Distinct().ToList();
        options.AllowedMediaDomains = CommandLine.SplitList(options.AllowedMediaDomains);
        options.AllowedHosts = CommandLine.SplitList(options.AllowedHosts);
        Validate(options);
        return options;
    }

    private static void Validate(ServerOptions o)
    {
        Check(o.Port is >= 0 and <= 65535, "--port must be between 0 and 65535");
        Check(Enum.IsDefined(o.ChatTemplateContentFormat), "--chat-template-content-format must be auto, string or openai");
        Check(o.MaxModelLen is null or >= 1, "--max-model-len must be at least 1");
        Check(o.MaxNumSeqs >= 1, "--max-num-seqs must be at least 1");
        Check(o.MaxWaitingRequests >= 1, "--max-waiting-requests must be at least 1");
        Check(o.QueueTimeoutSeconds is null or > 0, "--queue-timeout must be positive");
        Check(o.DefaultMaxTokens >= 1, "--default-max-tokens must be at least 1");
        Check(o.MaxChoices >= 1, "--max-choices must be at least 1");
        Check(o.MaxImagesPerRequest >= 0, "--max-images-per-request must not be negative");
        Check(o.MaxImageBytes >= 1, "--max-image-bytes must be at least 1");
        Check(o.MaxRequestBodyBytes >= 1, "--max-request-body-bytes must be at least 1");
        Check(o.MediaFetchTimeoutSeconds > 0, "--media-fetch-timeout must be positive");
        Check(o.ShutdownDrainSeconds >= 0, "--shutdown-drain-seconds must not be negative");
        Check(o.LogFormat is "text" or "json", "--log-format must be text or json");
        Check(o.OtlpEndpoint is null || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _), "--otlp-endpoint must be an absolute URL");
        Check(o.Model is null || Directory.Exists(o.Model), $"--model: folder '{o.Model}' not found");
        Check(o.MaxImagePixels >= 1, "--max-image-pixels must be at least 1");
        Check(o.ImageDecodeConcurrency is null or >= 1, "--image-decode-concurrency must be at least 1");
        Check(!o.MetricsRequireKey || o.ApiKeys.Count > 0, "--metrics-require-key needs --api-key (or LLAVA_API_KEY)");
    }

    private static void Check(bool ok, string message)
    {
        if (!ok) throw new CliException(message);
    }
}
