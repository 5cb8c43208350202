using System.Diagnostics;
using Llava.Model;
using LlavaBench.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace LlavaBench.Measurement;

/// <summary>
/// Times the model directly with <c>Llava.Model</c>: image encoding, one prompt's prefill and a decode step with a
/// warm KV cache at several batch sizes. This is the floor the server's own timings are compared against.
/// </summary>
public static class BareForwardBenchmark
{
    private const int Warmup = 2;

    public static BareForwardTimes Measure(string modelDir, string dtype, int promptTokens, int completionTokens,
        IReadOnlyList<int> batchSizes, int iterations)
    {
        using var model = LlavaForConditionalGeneration.FromPretrained(modelDir, new ModelOptions { DType = dtype });
        var config = model.Config;
        var context = promptTokens + completionTokens / 2;
        var batches = batchSizes.Prepend(1).Distinct().Order().ToArray();
        using var cache = model.CreateKvCache(batches[^1], context);
        using var inference = torch.inference_mode(true);
        var random = new Random(7);
        Tensor RandomIds(int count) => tensor(Enumerable.Range(0, count).Select(_ => (long)random.Next(3, 32000)).ToArray());

        var vision = config.Vision;
        var imageEncode = Median(Math.Max(3, iterations / 10), () =>
        {
            using var pixels = randn(1, vision.NumChannels, vision.ImageSize, vision.ImageSize);
            using var features = model.GetImageFeatures(pixels);
        });

        var slots = Enumerable.Range(0, batches[^1]).Select(_ => cache.AllocateSlot()).ToArray();
        var prefill = Median(Math.Max(3, iterations / 10), () =>
        {
            using var scope = NewDisposeScope();
            model.ForwardCached(model.EmbedTokens(RandomIds(promptTokens)), ForwardBatch.Single(slots[0], 0, promptTokens), cache);
        });
        foreach (var slot in slots)
        {
            using var scope = NewDisposeScope();
            model.ForwardCached(model.EmbedTokens(RandomIds(context)), ForwardBatch.Single(slot, 0, context), cache);
        }

        // Each step rewrites the last cached position, so every iteration attends over the same context length.
        var decode = batches.Select(batch =>
        {
            var chunks = slots.Take(batch).Select(slot => new SequenceChunk(slot, context - 1, 1)).ToList();
            var step = Median(iterations, () =>
            {
                using var scope = NewDisposeScope();
                model.ForwardCached(model.EmbedTokens(RandomIds(batch)), new ForwardBatch(chunks), cache);
            });
            return new BatchDecodeTime(batch, step, batch * 1000 / step);
        }).ToList();

        return new BareForwardTimes(promptTokens, context, imageEncode, prefill, decode);
    }

    private static double Median(int iterations, Action action)
    {
        for (var i = 0; i < Warmup; i++) action();
        var times = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return Percentiles.Of(times, 50)!.Value;
    }
}
