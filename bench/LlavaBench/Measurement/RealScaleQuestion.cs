using System.Diagnostics;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using LlavaBench.Reporting;
using LlavaBench.Workload;

namespace LlavaBench.Measurement;

/// <summary>What loading a checkpoint and answering one image question cost.</summary>
/// <param name="Precision">What the model runs in and why (the engine's start-up line): what <c>auto</c> chose.</param>
/// <param name="PeakRssBytes">From the start of the load to the answer; covers the whole process when <paramref name="PeakReset"/> is false.</param>
public sealed record RealScaleRun(
    string DType,
    string Precision,
    double LoadSeconds,
    int PromptTokens,
    int CompletionTokens,
    double? FirstTokenSeconds,
    double AnswerSeconds,
    long? PeakRssBytes,
    long? RssAfterBytes,
    bool PeakReset,
    IReadOnlyList<TargetCheck> Targets);

/// <summary>
/// Loads a checkpoint through the engine (as the server does) in one dtype and asks it one question about one
/// image, greedy, EOS ignored: the time to load, to the first token and to the whole answer, and the peak RSS.
/// </summary>
public static class RealScaleQuestion
{
    /// <summary>With LLaVA-1.5's template and 576 image tokens this prompt is about 594 tokens, as in the issue.</summary>
    public const string Question = "What is shown in this image?";

    /// <summary>The image for LLaVA-1.5: one crop at the tower's 336 px.</summary>
    public static readonly (int Width, int Height) SquareImage = (336, 336);

    /// <summary>The image for LLaVA-NeXT: a 640×480 photo-sized picture, tiled into a grid of crops.</summary>
    public static readonly (int Width, int Height) LandscapeImage = (640, 480);

    public const double LoadSecondsLimit = 90;
    public const double AnswerSecondsLimit = 120;
    public const double PeakRssGbLimit = 16;

    public static async Task<RealScaleRun> MeasureAsync(string modelPath, string dtype, int maxTokens, int maxModelLength,
        (int Width, int Height) image, CancellationToken cancellationToken)
    {
        var peakReset = ProcessMemory.ResetPeak();
        var loading = Stopwatch.GetTimestamp();
        using var engine = LlavaEngine.Load(new EngineOptions
        {
            ModelPath = modelPath,
            DType = dtype,
            MaxRunningSequences = 1,
            MaxModelLength = maxModelLength,
        });
        var loadSeconds = Stopwatch.GetElapsedTime(loading).TotalSeconds;

        var asking = Stopwatch.GetTimestamp();
        var prompt = engine.Prompts.Build([new ChatMessage("user", [new ImagePart(BenchImages.Png(1, image.Width, image.Height)), new TextPart(Question)])]);
        double? firstToken = null;
        var tokens = 0;
        var parameters = new SamplingParams { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };
        await foreach (var item in engine.GenerateAsync(prompt, parameters, cancellationToken))
        {
            if (item.TokenId is null) continue;
            firstToken ??= Stopwatch.GetElapsedTime(asking).TotalSeconds;
            tokens++;
        }
        var answerSeconds = Stopwatch.GetElapsedTime(asking).TotalSeconds;
        var (peak, current) = ProcessMemory.Read();
        return new RealScaleRun(dtype, engine.Model.Precision, loadSeconds, prompt.TokenIds.Count, tokens, firstToken, answerSeconds, peak,
            current, peakReset, Targets(loadSeconds, answerSeconds, peak));
    }

    private static IReadOnlyList<TargetCheck> Targets(double loadSeconds, double answerSeconds, long? peakBytes) =>
    [
        new("real-scale-load", $"≤ {LoadSecondsLimit} s", loadSeconds, loadSeconds <= LoadSecondsLimit, "engine load, config to ready"),
        new("real-scale-answer", $"≤ {AnswerSecondsLimit} s", answerSeconds, answerSeconds <= AnswerSecondsLimit,
            "one image question: image preprocessing, vision tower, prefill and the generated tokens"),
        peakBytes is { } peak
            ? new("real-scale-peak-rss", $"≤ {PeakRssGbLimit} GB", peak / 1e9, peak / 1e9 <= PeakRssGbLimit, "VmHWM from the load to the answer")
            : new("real-scale-peak-rss", $"≤ {PeakRssGbLimit} GB", null, null, "no /proc/self/status here"),
    ];
}
