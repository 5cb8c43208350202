using Llava.Engine.Generation;
using Llava.Engine.Imaging;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Templating;
using Llava.Model;
using LlavaServer.Cli;

namespace LlavaServer.Hosting;

/// <summary>How the engine is created; <see cref="LlavaEngine.Load"/> unless a test substitutes its own.</summary>
public delegate LlavaEngine EngineLoader(EngineOptions options, ILogger logger);

public enum EngineState
{
    Loading,
    Ready,
    Failed,
    Draining,
}

/// <summary>
/// Loads the model in the background so <c>/health</c> answers at once, warms it up with one tiny
/// generation, and only then reports ready. Owns the engine: it is disposed with the service provider,
/// after Kestrel has drained the requests that use it.
/// </summary>
public sealed class EngineHost(ServerOptions options, EngineLoader loader, ILogger<EngineHost> logger,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private volatile LlavaEngine? _engine;
    private volatile EngineState _state = EngineState.Loading;

    public EngineState State => _state;

    /// <summary>When the model finished loading (the <c>created</c> time of its model card).</summary>
    public DateTimeOffset LoadedAt { get; private set; }

    /// <summary>The engine once it is loaded and warm; null before that and after a failed load.</summary>
    public LlavaEngine? Engine => _state is EngineState.Ready or EngineState.Draining ? _engine : null;

    public EngineOptions EngineOptions { get; } = new()
    {
        ModelPath = options.Model ?? DefaultModel.Path,
        ServedModelName = options.ServedModelName,
        ChatTemplate = options.ChatTemplate,
        ChatTemplateContentFormat = options.ChatTemplateContentFormat,
        Device = options.Device,
        DType = options.DType,
        MaxModelLength = options.MaxModelLen,
        MaxRunningSequences = options.MaxNumSeqs,
        MaxWaitingRequests = options.MaxWaitingRequests,
        QueueTimeout = options.QueueTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        ImageLimits = new ImageLimits(options.MaxImageBytes, options.MaxImagePixels),
        ImageDecodeConcurrency = options.ImageDecodeConcurrency ?? Environment.ProcessorCount,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            if (_state == EngineState.Ready) _state = EngineState.Draining;
        });
        try
        {
            var started = DateTime.UtcNow;
            logger.LogInformation("loading model from {ModelPath} on {Device} ({DType})",
                EngineOptions.ModelPath, EngineOptions.Device, EngineOptions.DType);
            _engine = await Task.Run(() => loader(EngineOptions, logger), stoppingToken);
            LogChatTemplate(_engine.Prompts.Template);
            await WarmUpAsync(_engine, stoppingToken);
            if (stoppingToken.IsCancellationRequested) return;
            LoadedAt = DateTimeOffset.UtcNow;
            _state = EngineState.Ready;
            logger.LogInformation("model {Model} ready (context {MaxModelLength} tokens, {Precision}) after {Seconds:F1} s",
                _engine.Model.Name, _engine.Model.MaxModelLength, _engine.Model.Precision, (DateTime.UtcNow - started).TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _state = EngineState.Failed;
            // A bad checkpoint folder is an operator's mistake with a self-explaining message, not a bug: no stack trace.
            if (e is ModelLoadException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or TemplateException)
                logger.LogCritical("could not load the model from {ModelPath}: {Reason}", EngineOptions.ModelPath, e.Message);
            else
                logger.LogCritical(e, "could not load the model from {ModelPath}", EngineOptions.ModelPath);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <summary>Like vLLM: say which content format is in use, and warn when an override contradicts the template.</summary>
    private void LogChatTemplate(ChatTemplate template)
    {
        var used = template.ContentFormat.ToString().ToLowerInvariant();
        var detected = template.DetectedContentFormat.ToString().ToLowerInvariant();
        logger.LogInformation("chat template from {Origin}: content format {ContentFormat} (detected {Detected}; --chat-template-content-format overrides)",
            template.Origin, used, detected);
        if (used != detected)
            logger.LogWarning("--chat-template-content-format {Given} differs from the format detected in the chat template ({Detected})", used, detected);
    }

    /// <summary>The first forward pass allocates and JIT-compiles; do it before traffic arrives.</summary>
    private static async Task WarmUpAsync(LlavaEngine engine, CancellationToken cancellationToken)
    {
        var prompt = engine.Prompts.Build([new ChatMessage("user", "Hello")]);
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = 1 };
        await foreach (var _ in engine.GenerateAsync(prompt, parameters, cancellationToken))
        {
        }
    }

    /// <remarks>
    /// Called twice (the host and the container both own this instance); the engine is disposed once.
    /// </remarks>
    public override void Dispose()
    {
        base.Dispose();
        Interlocked.Exchange(ref _engine, null)?.Dispose();
    }
}
