using System.Text;
using LlavaServer.Cli;

namespace LlavaServer.Hosting;

/// <summary>
/// The server's command line: vLLM's flag names (where vLLM has one) mapped onto <see cref="ServerOptions"/>
/// configuration keys, so flags, <c>Llava__*</c> environment variables and appsettings.json all feed the
/// same options. The command line wins over the others.
/// </summary>
public static class CommandLine
{
    /// <param name="Switch">Given alone (<c>--flag</c>) it means true; <c>--flag false</c> also works.</param>
    private sealed record Option(string Flag, string Key, string Value, string Help, bool List = false, bool Switch = false);

    private static readonly Option[] Options =
    [
        new("model", "Model", "DIR", "model folder in Hugging Face llava-hf layout (default: the bundled tiny model)"),
        new("served-model-name", "ServedModelName", "NAME", "model id used by the API (default: the folder name)"),
        new("chat-template", "ChatTemplate", "FILE", "chat template replacing the checkpoint's: a .jinja/.json file or the template text (default: the checkpoint's)"),
        new("chat-template-content-format", "ChatTemplateContentFormat", "FMT", "auto | string | openai: message content as a string or as a list of parts (default auto: detected from the template)"),
        new("device", "Device", "DEV", "cpu | cuda | cuda:N (default cpu)"),
        new("dtype", "DType", "TYPE", "auto | float32 | bfloat16 | float16 (default auto: the fastest that fits)"),
        new("host", "Host", "ADDR", "address to listen on (default 0.0.0.0)"),
        new("port", "Port", "N", "port to listen on (default 8000)"),
        new("max-model-len", "MaxModelLen", "N", "context length (default: the checkpoint's)"),
        new("max-num-seqs", "MaxNumSeqs", "N", "sequences decoded together (default 8)"),
        new("max-waiting-requests", "MaxWaitingRequests", "N", "queued sequences before 429 (default 64)"),
        new("queue-timeout", "QueueTimeoutSeconds", "SEC", "longest wait for a decode slot, else 503 (default: no limit)"),
        new("default-max-tokens", "DefaultMaxTokens", "N", "cap on the completion length when a request sets none (default 1024)"),
        new("max-choices", "MaxChoices", "N", "largest n per request (default 8)"),
        new("max-images-per-request", "MaxImagesPerRequest", "N", "images allowed in one request (default 8)"),
        new("max-image-bytes", "MaxImageBytes", "N", "largest encoded image (default 20971520)"),
        new("max-request-body-bytes", "MaxRequestBodyBytes", "N", "largest request body, else 413 (default 67108864)"),
        new("api-key", "ApiKeys", "KEY", "require 'Authorization: Bearer KEY' (repeatable or comma-separated; also env LLAVA_API_KEY / VLLM_API_KEY)", List: true),
        new("allowed-media-domains", "AllowedMediaDomains", "HOST", "hosts http(s) image URLs may use: name, *.domain or * (repeatable or comma-separated; default: none, remote images refused)", List: true),
        new("media-fetch-timeout", "MediaFetchTimeoutSeconds", "SEC", "timeout for fetching a remote image (default 10)"),
        new("shutdown-drain-seconds", "ShutdownDrainSeconds", "SEC", "on SIGTERM, time in-flight requests get to finish before they end with server_shutting_down (default 30)"),
        new("otlp-endpoint", "OtlpEndpoint", "URL", "export traces and metrics over OTLP to this collector (default: off)"),
        new("log-format", "LogFormat", "FMT", "text | json console logs (default text)"),
        new("max-image-pixels", "MaxImagePixels", "N", "largest image in pixels, checked from its header (default 50000000)"),
        new("image-decode-concurrency", "ImageDecodeConcurrency", "N", "images decoded at once across requests (default: one per core)"),
        new("metrics-require-key", "MetricsRequireKey", "", "/metrics needs an API key too (default: open, like the probes)", Switch: true),
        new("allowed-hosts", "AllowedHosts", "HOST", "Host header values answered, else 400 (repeatable or comma-separated; default: any; name them against DNS rebinding)", List: true),
    ];

    /// <summary>The environment variables vLLM and this server read API keys from.</summary>
    public static readonly string[] ApiKeyVariables = ["LLAVA_API_KEY", "VLLM_API_KEY"];

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h");

    /// <summary>Configuration keys and values for the given flags; throws <see cref="CliException"/> for unknown ones.</summary>
    public static Dictionary<string, string?> ToSettings(IReadOnlyList<string> args)
    {
        var reader = new ArgumentReader(args);
        var settings = new Dictionary<string, string?>();
        foreach (var option in Options)
        {
            var key = ServerOptions.Section + ":" + option.Key;
            if (option.List)
            {
                var values = SplitList(reader.All(option.Flag));
                for (var i = 0; i < values.Count; i++) settings[$"{key}:{i}"] = values[i];
            }
            else if (option.Switch)
            {
                if (reader.Switch(option.Flag) is { } on) settings[key] = on;
            }
            else if (reader.String(option.Flag) is { } value)
            {
                settings[key] = value;
            }
        }
        reader.EnsureAllUsed();
        return settings;
    }

    /// <summary>Comma-separated entries become separate entries, so env vars can carry several keys.</summary>
    public static List<string> SplitList(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    public static string Help()
    {
        var text = new StringBuilder("""
            Usage: LlavaServer [options]            serve the OpenAI-compatible API
                   LlavaServer generate --help      one-shot generation from the command line
                   LlavaServer healthcheck --help   probe a running server's /health (the container HEALTHCHECK)

            Options (each also settable as Llava__<Key> in the environment or "Llava": { "<Key>": … } in appsettings.json):

            """);
        var flags = Options.Select(o => $"--{o.Flag} {o.Value}".TrimEnd()).ToList();
        var width = flags.Max(f => f.Length) + 2;
        for (var i = 0; i < Options.Length; i++)
            text.Append("  ").Append(flags[i].PadRight(width)).Append(Options[i].Help).Append(" [").Append(Options[i].Key).AppendLine("]");
        text.Append("  ").Append("--help".PadRight(width)).AppendLine("this text");
        return text.ToString();
    }
}
