using System.Runtime.InteropServices;
using TorchSharp;

namespace Llava.Model.Tensors;

/// <summary>The address of a CPU tensor's first element, for the managed kernels that read and write tensors in place.</summary>
internal static partial class TensorMemory
{
    // TorchSharp exposes a tensor's memory only as a span of at most 2 GiB; a 7B model's output head and a long KV
    // cache are not far from that. The address is the view's own (storage offset included).
    public static nint Address(torch.Tensor tensor) => THSTensor_data(tensor.Handle);

    [LibraryImport("LibTorchSharp")]
    private static partial nint THSTensor_data(nint handle);
}
