using Llava.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Engine.Scheduling;

/// <summary>
/// The only engine part that touches tensors: assembles a packed batch, runs the model over it and
/// returns one row of float32 logits per sequence on the CPU. Every call runs in inference mode inside
/// a dispose scope, so nothing but the KV cache outlives a step.
/// </summary>
internal sealed class ModelRunner(LlavaForConditionalGeneration model, KvCache cache)
{
    private readonly int _vocabSize = model.Config.Text.VocabSize;

    /// <summary>Runs whole prompts (images included) for newly admitted sequences.</summary>
    public float[][] Prefill(IReadOnlyList<Sequence> sequences)
    {
        using var inference = torch.inference_mode(true);
        using var scope = torch.NewDisposeScope();
        var embeds = new List<Tensor>(sequences.Count);
        var chunks = new List<SequenceChunk>(sequences.Count);
        foreach (var sequence in sequences)
        {
            embeds.Add(PromptEmbeddings(sequence));
            chunks.Add(new SequenceChunk(sequence.Slot, 0, sequence.Prompt.TokenIds.Count));
        }
        var logits = model.ForwardCached(torch.cat(embeds, 0), new ForwardBatch(chunks), cache);
        foreach (var sequence in sequences) sequence.CachedLength = sequence.Prompt.TokenIds.Count;
        return ToRows(logits, sequences.Count);
    }

    /// <summary>One decode step: each sequence's last sampled token, all in one forward.</summary>
    public float[][] Decode(IReadOnlyList<Sequence> sequences)
    {
        using var inference = torch.inference_mode(true);
        using var scope = torch.NewDisposeScope();
        var ids = sequences.Select(s => (long)s.LastToken).ToArray();
        var embeds = model.EmbedTokens(torch.tensor(ids, device: model.Device));
        var chunks = sequences.Select(s => new SequenceChunk(s.Slot, s.CachedLength, 1)).ToList();
        var logits = model.ForwardCached(embeds, new ForwardBatch(chunks), cache);
        foreach (var sequence in sequences) sequence.CachedLength++;
        return ToRows(logits, sequences.Count);
    }

    private Tensor PromptEmbeddings(Sequence sequence)
    {
        var prompt = sequence.Prompt;
        var ids = torch.tensor(prompt.TokenIds.Select(i => (long)i).ToArray());
        Tensor? features = null;
        if (prompt.Images.Count > 0)
        {
            var pixels = torch.stack(prompt.Images.Select(image =>
                torch.tensor(image.PixelValues, [3, image.Height, image.Width])), 0);
            features = model.GetImageFeatures(pixels);
        }
        return model.EmbedPrompt(ids, features);
    }

    private float[][] ToRows(Tensor logits, int count)
    {
        var flat = logits.to(ScalarType.Float32).cpu().data<float>().ToArray();
        var rows = new float[count][];
        for (var i = 0; i < count; i++) rows[i] = flat.AsSpan(i * _vocabSize, _vocabSize).ToArray();
        return rows;
    }
}
