using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Llava.Model.Layers;

/// <summary>Creates module parameters the way the checkpoint loader needs them.</summary>
public static class Parameters
{
    /// <summary>
    /// An uninitialised, frozen parameter. Every value is overwritten by the checkpoint loader, so random
    /// initialisation would only cost time, and on the CPU untouched pages are not even resident until the
    /// weights arrive — which keeps peak memory at about one copy of the model. A trainer unfreezes what it
    /// trains with <c>requires_grad_(true)</c>.
    /// </summary>
    public static Parameter Uninitialized(long[] shape, Device device, ScalarType dtype)
    {
        var parameter = new Parameter(empty(shape, dtype, device), requires_grad: false);
        parameter.DetachFromDisposeScope();
        return parameter;
    }
}
