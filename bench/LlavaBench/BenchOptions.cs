using System.Globalization;
using LlavaBench.Workload;
using LlavaServer.Cli;

namespace LlavaBench;

/// <summary>The benchmark's command line.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/LlavaBench -- [options]

        Target (default: generate the bench model if needed and start the server in-process):
          --url URL                 benchmark a running server (its root URL, e.g. http://localhost:8000)
          --api-key KEY             bearer key for --url
          --model DIR               use this checkpoint folder instead of the generated one (with --url: only
                                    for the bare-forward timing)
          --generate-model DIR      where the random bench model is generated and cached (default
                                    ~/.cache/llava-bench/llava-bench-179m; with --real-scale
                                    ~/.cache/llava-bench/llava-1.5-7b-hf-random)
          --generate-only           write the checkpoint (the bench model; with --real-scale the 7B layout) and
                                    exit, e.g. to convert it for a peer first
          --dtype LIST              float32,bfloat16: one full run per dtype (default float32)
          --max-num-seqs N          in-process server's decode slots (default: the highest concurrency)
          --max-waiting-requests N  in-process server's queue limit (default 64)
          --max-model-len N         in-process server's context length (default: the checkpoint's)

        Side by side with another server (e.g. llama.cpp's llama-server on the same checkpoint):
          --peer-url URL            also benchmark this server, scenario by scenario alternating with ours, with
                                    the same requests; only its /health is awaited (llama-server has no /ready)
          --peer-name NAME          the peer's label in the tables (default llama.cpp)
          --peer-dtype LABEL        the peer's precision label (default f32 for float32, else f16)

        Real scale (instead of the scenarios):
          --real-scale              generate (once) a random checkpoint in llava-hf/llava-1.5-7b-hf's exact layout
                                    (config, key names, three fp16 shards; about 14 GB) or take --model, load it
                                    in each --dtype and time the load and one image question (about 594 prompt
                                    tokens, --max-tokens defaults to 2, --max-model-len to 1024); reports peak RSS

        Constrained decoding (instead of the scenarios):
          --constrained             through the engine (no HTTP), time --concurrency streams of --max-tokens
                                    tokens without and with a nested JSON schema, alternating rounds, and print
                                    the per-token cost of both

        Workload:
          --concurrency LIST        throughput scenarios' concurrent streams (default 1,4,16)
          --requests N              requests per throughput scenario (default: 2 × concurrency, at least 6)
          --images LIST             throughput scenarios' images, one scenario per mode and concurrency:
                                    rotating (a pool of 4), distinct (a new image per request), repeated (one
                                    image for every request) (default rotating; with --peer-url distinct,repeated)
          --cache-requests N        requests in each cache scenario, cold and hot (default 6)
          --max-tokens N            tokens every request generates, EOS ignored (default 64)
          --temperature T           0 = greedy (default 0)
          --bare-iterations N       decode steps timed on the bare model, each alternating with the same step's
                                    matmuls alone (default 30; 0 skips it)
          --stall-seconds S         a request that waits longer than this for a token (the first one
                                    included) counts as stalled (default 30)
          --timeout-seconds S       a request with no event at all for this long is abandoned as timed out,
                                    a hang (default 300)

        Soak (instead of the scenarios):
          --soak MINUTES            closed loop at --soak-concurrency for this long; counts 429s, failures,
                                    stalls, and samples RSS
          --soak-concurrency N      default 32 (the in-process server gets --max-waiting-requests 64 and
                                    --max-num-seqs 16 unless given)

        Output:
          --out FILE                write the JSON report here
        """;

    public string? Url { get; init; }
    public string? ApiKey { get; init; }
    public string? ModelPath { get; init; }
    public string GenerateModelPath { get; init; } = DefaultModelCache(BenchModelFolder);
    public IReadOnlyList<string> DTypes { get; init; } = ["float32"];
    public int? MaxNumSeqs { get; init; }
    public int MaxWaitingRequests { get; init; } = 64;
    public int? MaxModelLen { get; init; }
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 4, 16];
    public int? Requests { get; init; }
    public int CacheRequests { get; init; } = 6;
    public int MaxTokens { get; init; } = 64;
    public double Temperature { get; init; }
    public int BareIterations { get; init; } = 30;
    public double StallSeconds { get; init; } = 30;
    public double TimeoutSeconds { get; init; } = 300;
    public double? SoakMinutes { get; init; }
    public int SoakConcurrency { get; init; } = 32;
    public string? OutputPath { get; init; }
    public string? PeerUrl { get; init; }
    public string PeerName { get; init; } = "llama.cpp";
    public string? PeerDType { get; init; }
    public IReadOnlyList<string> Images { get; init; } = [ImageModes.Rotating];
    public bool RealScale { get; init; }
    public bool GenerateOnly { get; init; }
    public bool Constrained { get; init; }

    public const int RealScaleMaxTokens = 2;
    private const string BenchModelFolder = "llava-bench-179m";
    private const string RealScaleModelFolder = "llava-1.5-7b-hf-random";

    /// <summary>The peer's precision label: llama.cpp's names for the precision ours runs in.</summary>
    public string PeerDTypeLabel => PeerDType ?? (DTypes[0] is "float32" or "fp32" ? "f32" : "f16");

    public const int SoakMaxNumSeqs = 16;

    /// <summary>Requests of the throughput scenario at <paramref name="concurrency"/>.</summary>
    public int RequestsAt(int concurrency) => Requests ?? Math.Max(6, 2 * concurrency);

    /// <summary>Decode slots for the in-process server.</summary>
    public int ServerMaxNumSeqs => MaxNumSeqs ?? (SoakMinutes is null ? Concurrency.Max() : SoakMaxNumSeqs);

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var reader = new ArgumentReader(args);
        var defaults = new BenchOptions();
        var realScale = reader.Flag("real-scale");
        var peerUrl = reader.String("peer-url");
        var options = new BenchOptions
        {
            Url = reader.String("url"),
            ApiKey = reader.String("api-key"),
            ModelPath = reader.String("model"),
            GenerateModelPath = reader.String("generate-model") ?? (realScale ? DefaultModelCache(RealScaleModelFolder) : defaults.GenerateModelPath),
            DTypes = List(reader, "dtype") ?? defaults.DTypes,
            MaxNumSeqs = Positive(reader, "max-num-seqs"),
            MaxWaitingRequests = Positive(reader, "max-waiting-requests") ?? defaults.MaxWaitingRequests,
            MaxModelLen = Positive(reader, "max-model-len"),
            Concurrency = List(reader, "concurrency")?.Select(c => PositiveInt("concurrency", c)).ToList() ?? defaults.Concurrency,
            Requests = Positive(reader, "requests"),
            CacheRequests = Positive(reader, "cache-requests") ?? defaults.CacheRequests,
            MaxTokens = Positive(reader, "max-tokens") ?? (realScale ? RealScaleMaxTokens : defaults.MaxTokens),
            Temperature = reader.Double("temperature") ?? defaults.Temperature,
            BareIterations = reader.Int("bare-iterations") ?? defaults.BareIterations,
            StallSeconds = reader.Double("stall-seconds") ?? defaults.StallSeconds,
            TimeoutSeconds = reader.Double("timeout-seconds") ?? defaults.TimeoutSeconds,
            SoakMinutes = reader.Double("soak"),
            SoakConcurrency = Positive(reader, "soak-concurrency") ?? defaults.SoakConcurrency,
            OutputPath = reader.String("out"),
            PeerUrl = peerUrl,
            PeerName = reader.String("peer-name") ?? defaults.PeerName,
            PeerDType = reader.String("peer-dtype"),
            Images = List(reader, "images")?.Select(ImageMode).ToList()
                     ?? (peerUrl is null ? defaults.Images : [ImageModes.Distinct, ImageModes.Repeated]),
            RealScale = realScale,
            GenerateOnly = reader.Flag("generate-only"),
            Constrained = reader.Flag("constrained"),
        };
        reader.EnsureAllUsed();
        if (options.Url is not null && options.DTypes.Count > 1)
            throw new CliException("--url benchmarks the server as it runs; give at most one --dtype (it labels the run and sets the bare-forward dtype)");
        if (options.SoakMinutes is <= 0) throw new CliException("--soak needs a positive number of minutes");
        if (options.StallSeconds <= 0 || options.TimeoutSeconds <= 0)
            throw new CliException("--stall-seconds and --timeout-seconds must be positive");
        if (options.BareIterations < 0) throw new CliException("--bare-iterations must not be negative");
        if (options.PeerUrl is not null && options.DTypes.Count > 1)
            throw new CliException("--peer-url compares against a server that runs in one precision; give at most one --dtype");
        if (options.PeerUrl is not null && (options.Url is not null || options.SoakMinutes is not null || options.RealScale))
            throw new CliException("--peer-url goes with the in-process server's scenarios, not with --url, --soak or --real-scale");
        if (options.GenerateOnly && (options.Url is not null || options.ModelPath is not null))
            throw new CliException("--generate-only writes the generated checkpoint; it does not go with --url or --model");
        if (options.RealScale && (options.Url is not null || options.SoakMinutes is not null))
            throw new CliException("--real-scale loads the checkpoint in this process; it does not go with --url or --soak");
        if (options.Constrained && (options.Url is not null || options.SoakMinutes is not null || options.RealScale || options.PeerUrl is not null))
            throw new CliException("--constrained loads the model in this process; it does not go with --url, --soak, --real-scale or --peer-url");
        return options;
    }

    private static string DefaultModelCache(string folder)
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "llava-bench", folder);
    }

    private static string ImageMode(string text) =>
        ImageModes.All.Contains(text)
            ? text
            : throw new CliException($"--images: '{text}' is not one of {string.Join(", ", ImageModes.All)}");

    private static List<string>? List(ArgumentReader reader, string name) =>
        reader.String(name) is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : null;

    private static int? Positive(ArgumentReader reader, string name) =>
        reader.Int(name) is { } value ? value > 0 ? value : throw new CliException($"--{name} must be positive") : null;

    private static int PositiveInt(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new CliException($"--{name}: '{text}' is not a positive integer");
}
