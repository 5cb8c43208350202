using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>A square-kernel 2-D convolution without padding, as CLIP's patch embedding uses.</summary>
public sealed class Conv2d : nn.Module<Tensor, Tensor>
{
    public readonly Parameter weight;
    public readonly Parameter? bias;
    private readonly long[] _stride;

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride, bool hasBias, Device device, ScalarType dtype)
        : base(nameof(Conv2d))
    {
        weight = Parameters.Uninitialized([outChannels, inChannels, kernelSize, kernelSize], device, dtype);
        bias = hasBias ? Parameters.Uninitialized([outChannels], device, dtype) : null;
        _stride = [stride, stride];
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.conv2d(input, weight, bias, strides: _stride);
}
