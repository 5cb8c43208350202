using Llava.Model.Config;
using Llava.Model.Layers;
using static TorchSharp.torch;

namespace Llava.Model.Language;

/// <summary>The Llama decoder with its output head (<c>language_model.*</c>).</summary>
public sealed class LlamaForCausalLM : nn.Module
{
    public readonly LlamaModel model;
    public readonly Linear lm_head;

    /// <param name="tieWordEmbeddings">Share <c>embed_tokens.weight</c> as the output head instead of a separate matrix.</param>
    public LlamaForCausalLM(LlamaTextConfig config, bool tieWordEmbeddings, Device device, ScalarType dtype)
        : base(nameof(LlamaForCausalLM))
    {
        model = new LlamaModel(config, device, dtype);
        lm_head = tieWordEmbeddings
            ? new Linear(model.embed_tokens.weight, bias: null)
            : new Linear(config.HiddenSize, config.VocabSize, hasBias: false, device, dtype);
        TiesWordEmbeddings = tieWordEmbeddings;
        RegisterComponents();
    }

    public bool TiesWordEmbeddings { get; }

    /// <summary>Float32 logits from normed hidden states; the head runs in the compute dtype as in Hugging Face.</summary>
    public Tensor Logits(Tensor hidden)
    {
        var logits = lm_head.forward(hidden);
        if (logits.dtype == ScalarType.Float32) return logits;
        using (logits)
            return logits.to(ScalarType.Float32);
    }
}
