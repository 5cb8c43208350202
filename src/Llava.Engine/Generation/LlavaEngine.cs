using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Llava.Engine.Caching;
using Llava.Engine.Constraints;
using Llava.Engine.Imaging;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Scheduling;
using Llava.Engine.Tokenization;
using Llava.Model;
using Llava.Model.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Llava.Engine.Generation;

/// <summary>
/// Loads a checkpoint folder (model, tokenizer, chat template, image processor) and serves generation
/// requests through the engine thread: continuous batching with chunked prefill, image-feature and prefix
/// caches, and preemption for fairness (docs/scheduler.md).
/// </summary>
public sealed class LlavaEngine : IGenerationEngine
{
    private readonly LlavaForConditionalGeneration _model;
    private readonly KvCache _cache;
    private readonly EngineCore _core;
    private readonly int _imageTokenId;
    private readonly int _imageSize;

    /// <summary>
    /// The <see cref="System.Diagnostics.Metrics.Meter"/> name the engine publishes its instruments under; each
    /// engine's meter has the engine as its <see cref="System.Diagnostics.Metrics.Meter.Scope"/>.
    /// </summary>
    public const string MeterName = EngineMetrics.MeterName;

    private LlavaEngine(EngineOptions options, ILogger logger)
    {
        options.Validate();
        var path = Path.GetFullPath(options.ModelPath);
        _model = LlavaForConditionalGeneration.FromPretrained(path, new ModelOptions { Device = options.Device, DType = options.DType });
        try
        {
            var config = _model.Config;
            var maxLength = options.MaxModelLength ?? config.Text.MaxPositionEmbeddings;
            if (maxLength < 1 || maxLength > config.Text.MaxPositionEmbeddings)
            {
                throw new ArgumentException(
                    $"max model length {maxLength} must be between 1 and the checkpoint's max_position_embeddings ({config.Text.MaxPositionEmbeddings})");
            }

            Tokenizer = LlavaTokenizer.Load(path);
            Model = new ModelInfo(options.ServedModelName ?? new DirectoryInfo(path).Name, path, maxLength, config.ImageSeqLen,
                _model.Precision.Description);
            var template = ChatTemplate.FromModelDirectory(path, templateOverride: options.ChatTemplate,
                contentFormat: options.ChatTemplateContentFormat);
            Prompts = new PromptBuilder(Tokenizer, template, LoadImageInput(path, config),
                options.ImageLimits, maxLength, options.ImageDecodeConcurrency);
            EosTokenIds = StopTokens.Eos(path, config.Text.EosTokenId, Tokenizer.EosTokenId);
            _cache = _model.CreateKvCache(options.MaxRunningSequences, maxLength);
            _imageTokenId = config.ImageTokenIdResolved;
            _imageSize = config.Vision.ImageSize;
            _core = new EngineCore(_model, _cache, options, logger, meterScope: this);
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    private static IImageInputProcessor LoadImageInput(string path, LlavaConfig config)
    {
        int height, width;
        IImageInputProcessor input;
        if (config.IsNext)
        {
            var next = LlavaNextImageProcessor.Load(path, config.GridPinpoints);
            (height, width, input) = (next.CropHeight, next.CropWidth, new LlavaNextImageInput(next, config));
        }
        else
        {
            var clip = ClipImageProcessor.Load(path);
            (height, width, input) = (clip.OutputHeight, clip.OutputWidth, new ClipImageInput(clip, config.ImageSeqLen));
        }
        if (height != config.Vision.ImageSize || width != config.Vision.ImageSize)
        {
            throw new ModelLoadException(
                $"the image processor produces {width}x{height} crops but the vision tower expects {config.Vision.ImageSize}x{config.Vision.ImageSize}");
        }
        return input;
    }

    public static LlavaEngine Load(EngineOptions options, ILogger? logger = null) =>
        new(options, logger ?? NullLogger.Instance);

    public ModelInfo Model { get; }
    public LlavaTokenizer Tokenizer { get; }
    public PromptBuilder Prompts { get; }

    /// <summary>The ids that end a sequence unless a request sets <c>ignore_eos</c> (<see cref="StopTokens.Eos"/>).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    public int RunningCount => _core.RunningCount;
    public int WaitingCount => _core.WaitingCount;

    /// <summary>
    /// Tensors alive on the engine thread: the model, the KV cache and the cached image features. Constant between
    /// requests once the image cache holds the images in use, unless something leaks.
    /// </summary>
    public long LiveTensorCount => _core.LiveTensorCount;

    /// <summary>Logits rows copied whole to the host so far (<see cref="EngineOptions.DeviceSelection"/>); for tests.</summary>
    internal long WholeRowsCopied => _core.WholeRowsCopied;

    /// <summary>
    /// Whether <paramref name="sequences"/> more would be queued now rather than refused; lets a request be turned
    /// away (429) before its images are decoded. A later submission can still be refused if others got there first.
    /// </summary>
    public bool HasQueueRoom(int sequences) => _core.HasQueueRoom(sequences);

    /// <summary>Queue, cache and throughput figures as of the last engine step (cheap; for status endpoints).</summary>
    public EngineStats GetStats() => _core.Stats with { WaitingRequests = _core.WaitingCount };

    /// <remarks>
    /// Validation and queueing happen in this call, not on the first MoveNext, so the HTTP layer can answer
    /// 400 or 429 before it starts a stream.
    /// </remarks>
    public IAsyncEnumerable<GenerationEvent> GenerateAsync(PreparedPrompt prompt, SamplingParams parameters,
        CancellationToken cancellationToken = default)
    {
        parameters.Validate(Tokenizer.VocabularySize);
        var total = prompt.TokenIds.Count + parameters.MaxTokens;
        if (total > Model.MaxModelLength)
        {
            var imagePositions = prompt.Images.Sum(i => i.Input.Positions);
            var images = imagePositions == 0 ? "" : $" (of which {imagePositions} for {prompt.Images.Count} image(s))";
            throw new PromptException(
                $"This model's maximum context length is {Model.MaxModelLength} tokens. However, you requested {total} tokens ({prompt.TokenIds.Count} in the messages{images}, {parameters.MaxTokens} in the completion). Please reduce the length of the messages or completion.",
                "messages", PromptProblem.TooLong);
        }

        foreach (var image in prompt.Images)
        {
            var input = image.Input;
            if (input.Height != _imageSize || input.Width != _imageSize || input.PixelValues.Length != input.Crops * 3 * _imageSize * _imageSize)
                throw new PromptException(
                    $"an image must be preprocessed to crops of 3x{_imageSize}x{_imageSize} pixel values for this model, got {input.PixelValues.Length} values for {input.Crops} crop(s) of {input.Width}x{input.Height}",
                    "messages");
        }
        var identity = PromptIdentity.For(prompt, _imageTokenId);

        var output = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var stopTokens = StopTokens.For(parameters, EosTokenIds);
        var constraint = parameters.Grammar is { } grammar
            ? new SequenceConstraint(grammar, TokenTrie.For(Tokenizer), stopTokens)
            : null;
        var sequenceOutput = new SequenceOutput(Tokenizer.CreateStreamingDetokenizer(), parameters, stopTokens,
            Model.MaxModelLength, output.Writer);
        var sequence = new Sequence(prompt, identity, parameters, constraint, sequenceOutput);
        if (!_core.TrySubmit(sequence))
            throw new EngineBusyException("The server is at capacity; retry shortly.");
        return ReadAsync(sequence, output.Reader, cancellationToken);
    }

    private static async IAsyncEnumerable<GenerationEvent> ReadAsync(Sequence sequence, ChannelReader<GenerationEvent> reader,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(sequence.Cancel);
        try
        {
            await foreach (var item in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return item;
        }
        finally
        {
            // A reader that stops early (client gone, exception, break) must free the slot too.
            sequence.Cancel();
        }
    }

    public void Dispose()
    {
        _core.Dispose();
        _cache.Dispose();
        _model.Dispose();
    }
}
