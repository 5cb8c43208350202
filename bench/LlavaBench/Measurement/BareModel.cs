using System.Diagnostics;
using Llava.Model;
using LlavaBench.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace LlavaBench.Measurement;

/// <summary>
/// The model loaded directly with <c>Llava.Model</c>, without server, scheduler or sampling, with a KV cache whose
/// slots are filled to the context a decode step sees mid-completion. It times image encoding, one prompt's
/// prefill and decode steps at several batch sizes — the floor the server's own timings are compared against.
/// </summary>
public sealed class BareModel : IDisposable
{
    private const int Warmup = 2;

    private readonly LlavaForConditionalGeneration _model;
    private readonly KvCache _cache;
    private readonly int[] _slots;
    private readonly Random _random = new(7);

    /// <param name="promptTokens">The benchmark prompt's length (image positions included).</param>
    /// <param name="completionTokens">Decode steps are timed at the prompt plus half of this.</param>
    /// <param name="maxBatch">Sequences the cache holds, the largest batch that can be timed.</param>
    public BareModel(string modelDir, string dtype, int promptTokens, int completionTokens, int maxBatch)
    {
        _model = LlavaForConditionalGeneration.FromPretrained(modelDir, new ModelOptions { DType = dtype });
        PromptTokens = promptTokens;
        ContextTokens = promptTokens + completionTokens / 2;
        _cache = _model.CreateKvCache(maxBatch, ContextTokens);
        _slots = Enumerable.Range(0, maxBatch).Select(_ => _cache.AllocateSlot()).ToArray();
        using var inference = torch.inference_mode(true);
        foreach (var slot in _slots)
        {
            using var scope = NewDisposeScope();
            _model.ForwardCached(_model.EmbedTokens(RandomIds(ContextTokens)), ForwardBatch.Single(slot, 0, ContextTokens), _cache);
        }
    }

    public int PromptTokens { get; }

    /// <summary>Tokens cached in every slot when a decode step runs.</summary>
    public int ContextTokens { get; }

    /// <summary>
    /// Image encoding, prefill and decode at each batch size (batch 1 always included), each decode step followed
    /// by the same step's matmuls alone (<see cref="DecodeMatmuls"/>) and, where it runs in the managed kernel, its
    /// attention alone (<see cref="DecodeAttentionAlone"/>). Decode steps of the different batch sizes
    /// take turns, so their ratio — how well batching pays — and the ratio of a step to its matmuls are not
    /// skewed by load that came and went while one of them was being timed.
    /// </summary>
    public BareForwardTimes MeasureAll(IEnumerable<int> batchSizes, int iterations)
    {
        var slow = Math.Max(3, iterations / 10);
        var batches = batchSizes.Prepend(1).Where(b => b <= _slots.Length).Distinct().Order().ToArray();
        var steps = batches.ToDictionary(b => b, _ => new List<double>(iterations));
        var matmuls = batches.ToDictionary(b => b, _ => new List<double>(iterations));
        var attention = batches.ToDictionary(b => b, _ => new List<double>(iterations));
        using var floor = new DecodeMatmuls(_model.Config.Text, _model.DType, _model.Precision.Matmul);
        using var attentionAlone = DecodeAttentionAlone.For(_model, _cache, _slots, ContextTokens);
        for (var i = 0; i < iterations + Warmup; i++)
        {
            foreach (var batch in batches)
            {
                var step = DecodeStepMs(batch, 1, warmup: 0);
                var alone = TimeMs(() => floor.Run(batch));
                var attended = attentionAlone is null ? 0 : TimeMs(() => attentionAlone.Run(batch));
                if (i < Warmup) continue;
                steps[batch].Add(step);
                matmuls[batch].Add(alone);
                if (attentionAlone is not null) attention[batch].Add(attended);
            }
        }
        var decode = batches.Select(batch =>
        {
            var step = Percentiles.Of(steps[batch], 50)!.Value;
            return new BatchDecodeTime(batch, step, batch * 1000 / step, Percentiles.Of(matmuls[batch], 50), Percentiles.Of(attention[batch], 50));
        }).ToList();
        return new BareForwardTimes(PromptTokens, ContextTokens, ImageEncodeMs(slow), PrefillMs(slow), decode);
    }

    /// <summary>
    /// Median time of one decode step for <paramref name="batch"/> sequences. Each step rewrites the last cached
    /// position, so every iteration attends over the same context.
    /// </summary>
    public double DecodeStepMs(int batch, int iterations, int warmup = Warmup)
    {
        var chunks = _slots.Take(batch).Select(slot => new SequenceChunk(slot, ContextTokens - 1, 1)).ToList();
        return Median(iterations, () => _model.ForwardCached(_model.EmbedTokens(RandomIds(batch)), new ForwardBatch(chunks), _cache), warmup);
    }

    private double ImageEncodeMs(int iterations)
    {
        var vision = _model.Config.Vision;
        return Median(iterations, () => _model.GetImageFeatures(randn(1, vision.NumChannels, vision.ImageSize, vision.ImageSize)), Warmup);
    }

    /// <summary>One prompt through the decoder from an empty slot; the slot is refilled afterwards for decode timing.</summary>
    private double PrefillMs(int iterations)
    {
        var prefill = Median(iterations,
            () => _model.ForwardCached(_model.EmbedTokens(RandomIds(PromptTokens)), ForwardBatch.Single(_slots[0], 0, PromptTokens), _cache),
            Warmup);
        using var inference = torch.inference_mode(true);
        using var scope = NewDisposeScope();
        _model.ForwardCached(_model.EmbedTokens(RandomIds(ContextTokens)), ForwardBatch.Single(_slots[0], 0, ContextTokens), _cache);
        return prefill;
    }

    private Tensor RandomIds(int count) => tensor(Enumerable.Range(0, count).Select(_ => (long)_random.Next(3, 32000)).ToArray());

    private static double Median(int iterations, Func<Tensor> forward, int warmup)
    {
        using var inference = torch.inference_mode(true);
        for (var i = 0; i < warmup; i++) Run(forward);
        var times = new List<double>(iterations);
        for (var i = 0; i < iterations; i++) times.Add(TimeMs(() => Run(forward)));
        return Percentiles.Of(times, 50)!.Value;
    }

    private static double TimeMs(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void Run(Func<Tensor> forward)
    {
        using var scope = NewDisposeScope();
        forward();
    }

    public void Dispose()
    {
        _cache.Dispose();
        _model.Dispose();
    }
}
