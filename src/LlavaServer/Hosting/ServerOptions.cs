using Llava.Engine.Prompting;

namespace LlavaServer.Hosting;

/// <summary>
/// Everything the server can be told, bound from the <c>Llava</c> configuration section (appsettings.json,
/// <c>Llava__Name</c> environment variables, and the command line, which <see cref="CommandLine"/> maps
/// onto these keys with vLLM's flag names).
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "Llava";

    /// <summary>Model folder (Hugging Face llava-hf layout); null serves the bundled tiny model.</summary>
    public string? Model { get; set; }

    /// <summary>The model id clients send and see; defaults to the folder name.</summary>
    public string? ServedModelName { get; set; }

    /// <summary>Replaces the checkpoint's chat template: a file, or the template text itself.</summary>
    public string? ChatTemplate { get; set; }

    /// <summary>
    /// <c>auto</c> (detect from the template), <c>string</c> or <c>openai</c>: whether the template reads message content
    /// as a string or loops over OpenAI-style parts.
    /// </summary>
    public ChatTemplateContentFormat ChatTemplateContentFormat { get; set; } = ChatTemplateContentFormat.Auto;

    public string Device { get; set; } = "cpu";
    public string DType { get; set; } = "auto";
    public string Host { get; set; } = "0.0.0.0";
    public int Port { get; set; } = 8000;

    /// <summary>Context length; null takes the checkpoint's.</summary>
    public int? MaxModelLen { get; set; }

    /// <summary>Sequences decoded together (vLLM's --max-num-seqs); each reserves a full-context KV-cache slot.</summary>
    public int MaxNumSeqs { get; set; } = 8;

    /// <summary>Sequences allowed to wait for a slot; past that requests get 429.</summary>
    public int MaxWaitingRequests { get; set; } = 64;

    /// <summary>
    /// Seconds a request may wait for a decode slot before it fails with 503; null waits as long as the client
    /// does. Behind a load balancer a deadline lets a retry land on a less busy replica.
    /// </summary>
    public double? QueueTimeoutSeconds { get; set; }

    /// <summary>
    /// Completion length when a request gives none: the rest of the context, as vLLM does, but at most this
    /// many tokens, so a forgotten max_tokens cannot hold a slot for the whole context.
    /// </summary>
    public int DefaultMaxTokens { get; set; } = 1024;

    /// <summary>Largest <c>n</c> a request may ask for.</summary>
    public int MaxChoices { get; set; } = 8;

    public int MaxImagesPerRequest { get; set; } = 8;

    /// <summary>Largest encoded image accepted, whether inline (base64) or fetched.</summary>
    public long MaxImageBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Kestrel's request body limit; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Accepted bearer keys; empty leaves the API open.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Hosts that <c>http(s)</c> image URLs may name (exact names, <c>*.example.com</c>, or <c>*</c> for any
    /// public host). Empty refuses remote images. Loopback, private, link-local and other non-public
    /// addresses are refused whatever this says.
    /// </summary>
    public List<string> AllowedMediaDomains { get; set; } = [];

    public double MediaFetchTimeoutSeconds { get; set; } = 10;

    /// <summary>How long SIGTERM waits for in-flight requests and streams before closing them.</summary>
    public double ShutdownDrainSeconds { get; set; } = 30;

    /// <summary>OTLP collector endpoint; when set, traces and metrics are also exported there.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>text</c> or <c>json</c> console logs.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>Largest image in pixels (width × height, read from its header before anything is decoded).</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>Images decoded at once across all requests; null: one per core. Bounds the memory a burst of large images takes.</summary>
    public int? ImageDecodeConcurrency { get; set; }

    /// <summary>
    /// <c>/metrics</c> needs an API key too. Cache and queue counters say something about other tenants' traffic.
    /// </summary>
    public bool MetricsRequireKey { get; set; }

    /// <summary>
    /// Host header values the server answers (ASP.NET Core host filtering; <c>*.example.com</c> wildcards); others
    /// get 400. Empty answers any host. Naming the hosts defeats DNS rebinding: a web page whose name an attacker
    /// re-points at 127.0.0.1 reaches a local server with its own name in the Host header, and is refused.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}
