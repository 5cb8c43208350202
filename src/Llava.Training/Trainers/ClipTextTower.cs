using Llava.Model.Config;
using Llava.Model.Language;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using Llava.Training.Modeling;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Llava.Training.Trainers;

/// <summary>
/// The parts of CLIP that contrastive pretraining needs beside the vision tower and that LLaVA discards afterwards: a
/// small causal text transformer (a Llama stack, read at the caption's last token like CLIP's end-of-text token), the
/// two projections into the shared embedding space, and the learned temperature.
/// </summary>
public sealed class ClipTextTower : nn.Module
{
    public readonly LlamaModel text_model;
    public readonly Linear text_projection;
    public readonly Linear visual_projection;
    public readonly Parameter logit_scale;

    public ClipTextTower(int vocabSize, int visionHidden, int textHidden, int layers, int projectionDim) : base(nameof(ClipTextTower))
    {
        var config = new LlamaTextConfig
        {
            VocabSize = vocabSize,
            HiddenSize = textHidden,
            IntermediateSize = textHidden * 4,
            NumHiddenLayers = layers,
            NumAttentionHeads = Math.Max(1, textHidden / 32),
            MaxPositionEmbeddings = 256,
            RmsNormEps = 1e-5,
        };
        text_model = new LlamaModel(config, CPU, ScalarType.Float32);
        text_projection = new Linear(textHidden, projectionDim, hasBias: false, CPU, ScalarType.Float32);
        visual_projection = new Linear(visionHidden, projectionDim, hasBias: false, CPU, ScalarType.Float32);
        // CLIP's initial temperature of 0.07.
        logit_scale = new Parameter(tensor(Math.Log(1 / 0.07), ScalarType.Float32), requires_grad: false);
        RegisterComponents();
        ParameterInitializer.Initialize(this);
    }

    /// <summary>Normalised caption embeddings from right-padded ids <c>[batch, tokens]</c> and each caption's length.</summary>
    public Tensor EmbedText(Tensor ids, Tensor lengths)
    {
        using var scope = NewDisposeScope();
        var hidden = text_model.Forward(text_model.embed_tokens.forward(ids));
        var last = (lengths - Scalars.One).view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);
        var pooled = hidden.gather(1, last).squeeze(1);
        return nn.functional.normalize(text_projection.forward(pooled), dim: -1).MoveToOuterDisposeScope();
    }

    public Tensor EmbedImage(Tensor pooled)
    {
        using var projected = visual_projection.forward(pooled);
        return nn.functional.normalize(projected, dim: -1);
    }
}
