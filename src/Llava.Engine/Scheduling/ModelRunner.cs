using Llava.Engine.Caching;
using Llava.Engine.Generation;
using Llava.Engine.Sampling;
using Llava.Model;
using Llava.Model.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The only engine part that touches tensors: prepares each admitted sequence's decoder input once (image features
/// through the image cache) and keeps it until its prefill completes, runs one packed forward per step and brings
/// back to the host only what each row's choice of token needs (<see cref="RowNeed"/>). Every call runs in
/// inference mode inside a dispose scope, so nothing outlives a step but the KV cache, the image cache and the prefill inputs of sequences still prefilling.
/// </summary>
/// <param name="deviceSelection">Resolve greedy and top-k rows on the device (<see cref="EngineOptions.DeviceSelection"/>).</param>
internal sealed class ModelRunner(LlavaForConditionalGeneration model, KvCache cache, ImageFeatureCache images, bool deviceSelection)
    : IDisposable
{
    private readonly int _vocabSize = model.Config.Text.VocabSize;
    private readonly Dictionary<Sequence, PrefillInput> _prefills = [];
    private readonly StepIndexBuffer _indices = new(model.Device);

    /// <summary>Logits rows copied whole to the host so far: what device selection saves, for tests and diagnosis.</summary>
    public long WholeRowsCopied { get; private set; }

    /// <summary>The results of the last <see cref="Run"/>.</summary>
    public StepRows Rows { get; } = new(model.Config.Text.VocabSize);

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
            parts.Add(model.EmbedPrompt(ids, ImageRows(sequence, start)));
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
    /// Returns, per chunk, where its result lies in <see cref="Rows"/>: with device selection on, greedy rows come back
    /// as the device's argmax and top-k rows as their k + 1 best logits (with logprobs, also the row's log-sum-exp and
    /// best logits), every other row (and every row with it off) whole. Prefill inputs whose last chunk ran are freed.
    /// </summary>
    /// <remarks>
    /// The step's index data reaches the device in two uploads through the one <see cref="StepIndexBuffer"/> (on a GPU
    /// non-blocking copies from pinned memory): the decode token ids with the row selections, then the packed batch's
    /// indices.
    /// </remarks>
    public StepRow[] Run(IReadOnlyList<PlannedChunk> plan)
    {
        using var inference = torch.inference_mode(true);
        using var scope = torch.NewDisposeScope();
        _indices.Begin();
        var decodes = plan.TakeWhile(c => c.IsDecode).Count();
        var selection = Classify(plan);
        var host = new long[decodes + selection.IndexCount];
        for (var i = 0; i < decodes; i++) host[i] = plan[i].Sequence.LastToken;
        selection.WriteIndices(host.AsSpan(decodes));
        var uploaded = _indices.Upload(host);
        selection.Uploaded = uploaded.narrow(0, decodes, selection.IndexCount);

        var parts = new List<Tensor>(plan.Count - decodes + 1);
        if (decodes > 0) parts.Add(model.EmbedTokens(uploaded.narrow(0, 0, decodes)));
        foreach (var chunk in plan.Skip(decodes))
        {
            var input = _prefills[chunk.Sequence];
            parts.Add(input.Embeddings.narrow(0, chunk.Start - input.Start, chunk.Length));
        }
        var embeds = parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
        var batch = new ForwardBatch(plan.Select(c => new SequenceChunk(c.Sequence.Slot, c.Start, c.Length)).ToList());
        var logits = model.ForwardCached(embeds, batch, cache, indices: _indices);
        foreach (var chunk in plan)
        {
            if (!chunk.IsDecode && chunk.ProducesToken) Release(chunk.Sequence);
        }
        return Select(plan, logits, selection);
    }

    /// <summary>Which rows need what (<see cref="RowNeed"/>); a prompt whose logits are kept needs its row whole.</summary>
    private RowSelection Classify(IReadOnlyList<PlannedChunk> plan)
    {
        var selection = new RowSelection(plan.Count);
        for (var i = 0; i < plan.Count; i++)
        {
            var chunk = plan[i];
            if (!chunk.ProducesToken) continue;
            var need = deviceSelection && !chunk.KeepsPromptLogits ? RowNeeds.For(chunk.Sequence.Parameters, _vocabSize) : RowNeed.WholeRow;
            selection.Add(i, need, chunk.Sequence.Parameters);
        }
        return selection;
    }

    /// <summary>
    /// Brings back what each chunk's choice needs, batched by kind: one argmax over all greedy rows, one topk over all
    /// top-k rows (as wide as the widest), for the rows among those that want logprobs one log-sum-exp (in double
    /// precision, as the host computes it) and one topk, and one copy of the rows needed whole.
    /// </summary>
    private StepRow[] Select(IReadOnlyList<PlannedChunk> plan, Tensor logits, RowSelection selection)
    {
        var result = selection.Result;
        var whole = selection.Whole;
        var wholeBefore = whole.Count;
        // A row whose top-k or top logprobs tie at their edge (which tied token is in depends on ids not returned)
        // is copied whole instead; whole-row sampling and logprobs give it exactly what the host always did.
        void CopyWhole(int chunk)
        {
            if (result[chunk].Kind == StepRowKind.Logits) return;
            result[chunk] = new StepRow(StepRowKind.Logits, whole.Count);
            whole.Add(chunk);
        }

        if (selection.ArgMax.Count > 0)
            selection.RowsOf(logits, selection.ArgMax).argmax(1).cpu().data<long>().CopyTo(Rows.TokenSpace(selection.ArgMax.Count), 0, 0);
        if (selection.TopK.Count > 0)
        {
            var count = selection.TopK.Count;
            var (values, ids) = selection.RowsOf(logits, selection.TopK).topk(selection.Width, dim: 1);
            values.cpu().data<float>().CopyTo(Rows.CandidateValueSpace(count, selection.Width), 0, 0);
            ids.cpu().data<long>().CopyTo(Rows.CandidateIdSpace(count, selection.Width), 0, 0);
            for (var j = 0; j < count; j++)
            {
                var chunk = selection.TopK[j];
                if (!Sampler.TopKDecided(Rows.CandidateValues(j), plan[chunk].Sequence.Parameters)) CopyWhole(chunk);
            }
        }
        if (selection.Logprobs.Count > 0)
        {
            var count = selection.Logprobs.Count;
            var rows = selection.RowsOf(logits, selection.Logprobs);
            rows.to(ScalarType.Float64).logsumexp(1).cpu().data<double>().CopyTo(Rows.LogSumExpSpace(count), 0, 0);
            var (values, ids) = rows.topk(selection.LogprobWidth, dim: 1);
            values.cpu().data<float>().CopyTo(Rows.TopValueSpace(count, selection.LogprobWidth), 0, 0);
            ids.cpu().data<long>().CopyTo(Rows.TopIdSpace(count, selection.LogprobWidth), 0, 0);
            for (var j = 0; j < count; j++)
            {
                var chunk = selection.Logprobs[j];
                if (!LogprobCalculator.TopDecided(Rows.TopValues(j), plan[chunk].Sequence.Parameters.TopLogprobs!.Value)) CopyWhole(chunk);
            }
        }
        WholeRowsCopied += whole.Count;
        if (whole.Count > 0)
        {
            var rows = whole.Count == wholeBefore
                ? selection.RowsOf(logits, whole)
                : logits.index_select(0, _indices.Upload(whole.ConvertAll(i => (long)i).ToArray()));
            rows.cpu().data<float>().CopyTo(Rows.LogitsSpace(whole.Count), 0, 0);
        }
        return result;
    }

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
        _indices.Dispose();
        foreach (var input in _prefills.Values) input.Embeddings.Dispose();
        _prefills.Clear();
    }

    /// <summary>A sequence's decoder input for positions <c>Start</c> onward, until its prefill completes.</summary>
    private sealed record PrefillInput(Tensor Embeddings, int Start);
}
