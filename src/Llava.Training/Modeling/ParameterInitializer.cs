using Llava.Model.Layers;
using Llava.Model.Tensors;
using Llava.Model.Vision;
using static TorchSharp.torch;

namespace Llava.Training.Modeling;

/// <summary>
/// Fresh weights for modules built from the model's layer types (whose parameters start uninitialised): GPT-2/CLIP
/// style normal(0, std) for matrices, embeddings and CLIP's class token, zeros for biases, ones for norm gains.
/// </summary>
public static class ParameterInitializer
{
    public const double DefaultStd = 0.02;

    public static void Initialize(nn.Module module, double std = DefaultStd)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules().Prepend((string.Empty, module)))
        {
            switch (child)
            {
                case Linear linear:
                    linear.weight.normal_(0, std);
                    linear.bias?.zero_();
                    break;
                case Conv2d conv:
                    conv.weight.normal_(0, std);
                    conv.bias?.zero_();
                    break;
                case Embedding embedding:
                    embedding.weight.normal_(0, std);
                    break;
                case LayerNorm norm:
                    norm.weight.fill_(Scalars.One);
                    norm.bias.zero_();
                    break;
                case RmsNorm norm:
                    norm.weight.fill_(Scalars.One);
                    break;
                case ClipVisionEmbeddings embeddings:
                    embeddings.class_embedding.normal_(0, std);
                    break;
            }
        }
    }
}
