using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>Where and in which precision the model runs.</summary>
public sealed class ModelOptions
{
    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// <c>float32</c>/<c>fp32</c>, <c>bfloat16</c>/<c>bf16</c>, <c>float16</c>/<c>fp16</c>, or <c>auto</c>: the
    /// fastest that fits, see <see cref="ModelPrecision.Resolve"/>.
    /// </summary>
    public string DType { get; init; } = "auto";

    /// <summary>
    /// Whether float32 and bfloat16 decode steps on a CPU with vector FMA run their matmuls, attention and RMSNorms
    /// in the managed kernels (<see cref="Layers.FewRowMatmul"/> and the like) rather than libtorch (tests turn it off
    /// to compare the two).
    /// </summary>
    public bool FewRowKernel { get; init; } = true;

    /// <summary>The CPU's native half-precision support; null detects it (tests inject it).</summary>
    public CpuHalfPrecision? HalfPrecision { get; init; }

    /// <exception cref="ArgumentException">The device string is not <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</exception>
    public static torch.Device ParseDevice(string device)
    {
        var text = device.Trim().ToLowerInvariant();
        if (text == "cpu") return torch.CPU;
        if (text == "cuda") return new torch.Device(DeviceType.CUDA, 0);
        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), out var index) && index >= 0)
            return new torch.Device(DeviceType.CUDA, index);
        throw new ArgumentException($"invalid device '{device}': expected cpu, cuda or cuda:N", nameof(device));
    }

    /// <summary>
    /// Resolves a dtype string without looking at the CPU; <paramref name="checkpointDtype"/> is the config's
    /// <c>torch_dtype</c>, which <c>auto</c> takes on CUDA (float32 on the CPU). The loader uses
    /// <see cref="ModelPrecision.Resolve"/>, which also weighs the CPU and memory.
    /// </summary>
    /// <exception cref="ArgumentException">The dtype string is not recognised.</exception>
    public static ScalarType ParseDType(string dtype, string? checkpointDtype, torch.Device device)
    {
        var text = dtype.Trim().ToLowerInvariant();
        if (text == "auto")
        {
            if (device.type != DeviceType.CUDA) return ScalarType.Float32;
            return checkpointDtype is null ? ScalarType.Float32 : ParseDType(checkpointDtype, null, device);
        }
        return text switch
        {
            "float32" or "fp32" or "float" => ScalarType.Float32,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" or "half" => ScalarType.Float16,
            _ => throw new ArgumentException(
                $"invalid dtype '{dtype}': expected float32, bfloat16, float16 (fp32, bf16, fp16) or auto", nameof(dtype)),
        };
    }
}
