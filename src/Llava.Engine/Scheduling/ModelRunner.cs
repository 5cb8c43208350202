using Llava.Engine.Caching;
using Llava.Engine.Generation;
using Llava.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The only engine part that touches tensors: prepares each admitted sequence's decoder input once (image features
/// through the image cache) and keeps it until its prefill completes, runs one packed forward per step and returns
/// float32 logits rows on the CPU. Every call runs in inference mode inside a dispose scope, so nothing outlives a
/// step but the KV cache, the image cache and the prefill inputs of sequences still prefilling.
/// </summary>
internal sealed class ModelRunner(LlavaForConditionalGeneration model, KvCache cache, ImageFeatureCache images) : IDisposable
{
    private readonly int _vocabSize = model.Config.Text.VocabSize;
    private readonly Dictionary<Sequence, PrefillInput> _prefills = [];
    private float[] _logits = [];

    /// <summary>
    /// Builds the decoder input for positions <c>CachedLength .. PrefillTarget - 1</c>: prompt embeddings with image
    /// features spliced in where the prompt still needs them, then the embeddings of tokens generated before a
    /// preemption. Sliced per chunk by <see cref="Run"/>, freed when the prefill completes or by <see cref="Release"/>.
    /// </summary>
    public void PreparePrefill(Sequence sequence)
    {
        using var inference = torch.inference_mode(true);
        using var scope = torch.NewDisposeScope();
        var start = sequence.CachedLength;
        var promptLength = sequence.Prompt.TokenIds.Count;
        var parts = new List<Tensor>(2);
        if (start < promptLength)
        {
            var ids = new long[promptLength - start];
            for (var i = 0; i < ids.Length; i++) ids[i] = sequence.Prompt.TokenIds[start + i];
            parts.Add(model.EmbedPrompt(torch.tensor(ids), ImageRows(sequence, start)));
        }
        if (sequence.PrefillTarget > promptLength)
        {
            var from = Math.Max(start, promptLength) - promptLength;
            var ids = sequence.Generated.Skip(from).Take(sequence.PrefillTarget - promptLength - from).Select(id => (long)id).ToArray();
            // Generated ids go through the plain embedding table even if one equals the image token id.
            parts.Add(model.EmbedTokens(torch.tensor(ids, device: model.Device)));
        }
        var embeddings = parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
        Release(sequence);
        _prefills[sequence] = new PrefillInput(embeddings.DetachFromDisposeScope(), start);
    }

    /// <summary>Frees the sequence's prefill input, if it has one (it was preempted, retired or failed).</summary>
    public void Release(Sequence sequence)
    {
        if (!_prefills.Remove(sequence, out var input)) return;
        input.Embeddings.Dispose();
    }

    /// <summary>
    /// One packed forward over <paramref name="plan"/> (decode chunks first, as <see cref="Scheduler"/> orders them).
    /// Returns, per chunk, the row of <see cref="LogitsRow"/> holding the logits to sample from, or -1 for a prefill
    /// chunk that does not finish its prompt. The rows stay valid until the next call; prefill inputs whose last
    /// chunk ran are freed.
    /// </summary>
    public int[] Run(IReadOnlyList<PlannedChunk> plan)
    {
        using var inference = torch.inference_mode(true);
        using var scope = torch.NewDisposeScope();
        var decodeIds = plan.TakeWhile(c => c.IsDecode).Select(c => (long)c.Sequence.LastToken).ToArray();
        var parts = new List<Tensor>(plan.Count - decodeIds.Length + 1);
        if (decodeIds.Length > 0) parts.Add(model.EmbedTokens(torch.tensor(decodeIds, device: model.Device)));
        foreach (var chunk in plan.Skip(decodeIds.Length))
        {
            var input = _prefills[chunk.Sequence];
            parts.Add(input.Embeddings.narrow(0, chunk.Start - input.Start, chunk.Length));
        }
        var embeds = parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
        var batch = new ForwardBatch(plan.Select(c => new SequenceChunk(c.Sequence.Slot, c.Start, c.Length)).ToList());
        var logits = model.ForwardCached(embeds, batch, cache);
        foreach (var chunk in plan)
        {
            if (!chunk.IsDecode && chunk.ProducesToken) Release(chunk.Sequence);
        }

        var rows = new int[plan.Count];
        var wanted = new List<long>(plan.Count);
        for (var i = 0; i < plan.Count; i++)
        {
            rows[i] = plan[i].ProducesToken ? wanted.Count : -1;
            if (plan[i].ProducesToken) wanted.Add(i);
        }
        if (wanted.Count == 0) return rows;
        var selected = wanted.Count == plan.Count ? logits : logits.index_select(0, torch.tensor(wanted.ToArray(), device: logits.device));
        var size = wanted.Count * _vocabSize;
        // One buffer reused across steps: per-row arrays of 32k floats would be large-object-heap garbage every step.
        if (_logits.Length < size) _logits = new float[size];
        selected.cpu().data<float>().CopyTo(_logits.AsSpan(0, size), 0, 0);
        return rows;
    }

    /// <summary>Logits of one row produced by the last <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> LogitsRow(int row) => _logits.AsSpan(row * _vocabSize, _vocabSize);

    /// <summary>
    /// Feature rows of the images overlapping positions <paramref name="start"/> onward, as <c>[1, rows, hidden]</c>;
    /// an image partly inside an already cached prefix contributes only its remaining rows.
    /// </summary>
    private Tensor? ImageRows(Sequence sequence, int start)
    {
        var rows = new List<Tensor>();
        var starts = sequence.Identity.ImageStarts;
        for (var i = 0; i < starts.Length; i++)
        {
            var image = sequence.Prompt.Images[i];
            var skip = Math.Max(0, start - starts[i]);
            if (skip >= image.Input.Positions) continue;
            var features = ImageFeatures(image, sequence.Identity.ImageCacheKeys[i]);
            rows.Add(skip == 0 ? features : features.narrow(0, skip, image.Input.Positions - skip));
        }
        return rows.Count == 0 ? null : torch.cat(rows, 0).unsqueeze(0);
    }

    /// <summary>
    /// One image's features from the cache, or from the vision tower. Images are encoded one at a time so their
    /// features never depend on which other images arrived in the same step.
    /// </summary>
    private Tensor ImageFeatures(PreparedImage image, string cacheKey)
    {
        if (images.TryGet(cacheKey) is { } cached) return cached;
        var input = image.Input;
        var pixels = torch.tensor(input.PixelValues, [input.Crops, 3, input.Height, input.Width]);
        var features = model.GetImageFeatures(pixels, image.SourceHeight, image.SourceWidth);
        images.Add(cacheKey, features);
        return features;
    }

    public void Dispose()
    {
        foreach (var input in _prefills.Values) input.Embeddings.Dispose();
        _prefills.Clear();
    }

    /// <summary>A sequence's decoder input for positions <c>Start</c> onward, until its prefill completes.</summary>
    private sealed record PrefillInput(Tensor Embeddings, int Start);
}
