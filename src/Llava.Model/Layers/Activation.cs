using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>The activation functions named by Hugging Face <c>hidden_act</c> strings that LLaVA checkpoints use.</summary>
public static class Activation
{
    public static IReadOnlyList<string> SupportedNames { get; } =
        ["quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh", "silu", "swish", "relu"];

    public static bool IsSupported(string name) => SupportedNames.Contains(name);

    /// <exception cref="ArgumentException">The name is not one of <see cref="SupportedNames"/>.</exception>
    public static Func<Tensor, Tensor> Resolve(string name) => name switch
    {
        "quick_gelu" => QuickGelu,
        "gelu" => x => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" => x => nn.functional.gelu(x, GELU.Approximate.tanh),
        "silu" or "swish" => x => nn.functional.silu(x),
        "relu" => x => nn.functional.relu(x),
        _ => throw new ArgumentException(
            $"unsupported activation '{name}' (supported: {string.Join(", ", SupportedNames)})", nameof(name)),
    };

    private static readonly Scalar QuickGeluScale = 1.702.ToScalar();

    /// <summary>CLIP's sigmoid approximation of GELU, x·σ(1.702x).</summary>
    private static Tensor QuickGelu(Tensor x)
    {
        using var scaled = x * QuickGeluScale;
        using var gate = scaled.sigmoid();
        return x * gate;
    }
}
