using Llava.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>
/// The precision a model runs in: the dtype of its weights, activations and KV cache, and how its matmuls treat
/// half-precision weights. <see cref="Description"/> says what was chosen and why, for the start-up log and
/// <c>/v1/status</c>.
/// </summary>
public sealed record ModelPrecision(ScalarType DType, MatmulPrecision? Matmul, string Description)
{
    /// <summary>
    /// Input rows from which a matmul with half-precision weights runs in float32 on a CPU without native half
    /// matmul. From a TorchSharp 0.107 probe of a 4096×4096 linear on an AVX2 EPYC (Zen 3, issue 11): bfloat16
    /// costs about 1.8 ms per row from a few rows on (29 ms at 16 rows, 1,070–1,170 ms at 594), converting the
    /// weight to float32 about 55 ms, and float32 about 4 ms plus 0.25 ms per row; the two meet near 37 rows.
    /// Below that, decode rows read half the bytes natively; above it, prefill chunks and the vision tower pay
    /// one conversion per weight and run at float32 speed.
    /// </summary>
    public const int UpcastFromRows = 32;

    /// <summary>
    /// Rows up to which float32 matmuls run in <see cref="FewRowMatmul"/>: a decode step of up to this many
    /// sequences. On the 2-core AMD EPYC (Zen 5, AVX-512) the matmuls of a 110M-parameter decoder step took
    /// 13.7 / 15.3 / 17.1 / 21.5 / 32.8 / 52.2 ms in it at 1 / 2 / 4 / 8 / 16 / 32 rows against libtorch's
    /// 30.2 / 64.6 / 59.6 / 59.2 / 77.0 / 115.6 ms; 16 is the engine's default batch, the row count measured end to end.
    /// </summary>
    public const int FewRowKernelRows = 16;

    /// <summary>
    /// Resolves a dtype option. Explicit dtypes are honoured; half precision on a CPU without native support keeps
    /// half-precision weights with float32 matmuls from <see cref="UpcastFromRows"/> rows. <c>auto</c> takes the
    /// checkpoint's dtype on CUDA; on the CPU it takes a half-precision checkpoint's dtype where the CPU multiplies it
    /// natively, else float32 when the float32 weights fit in <paramref name="memoryBytes"/>, else bfloat16 for a
    /// float16 checkpoint where the CPU multiplies bfloat16 natively, else the half dtype with float32 matmuls for
    /// large row counts. A float32 checkpoint stays float32.
    /// </summary>
    /// <param name="parameterCount">Weights in the checkpoint, for the float32 memory check.</param>
    /// <param name="memoryBytes">Memory the weights may take (the loader passes 3/4 of what the process may use).</param>
    /// <exception cref="ArgumentException">The dtype string is not recognised.</exception>
    public static ModelPrecision Resolve(string dtype, string? checkpointDtype, Device device, CpuHalfPrecision cpu,
        long parameterCount, long memoryBytes)
    {
        var auto = dtype.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase);
        var checkpoint = checkpointDtype is null ? ScalarType.Float32 : ModelOptions.ParseDType(checkpointDtype, null, device);
        if (device.type == DeviceType.CUDA)
        {
            var chosen = auto ? checkpoint : ModelOptions.ParseDType(dtype, checkpointDtype, device);
            return new ModelPrecision(chosen, null, auto ? $"{Name(chosen)} (auto: the checkpoint's dtype on CUDA)" : Name(chosen));
        }
        if (!auto) return OnCpu(ModelOptions.ParseDType(dtype, checkpointDtype, device), cpu, "");
        if (checkpoint == ScalarType.Float32) return new ModelPrecision(ScalarType.Float32, null, "float32 (auto: a float32 checkpoint)");
        if (cpu.IsNative(checkpoint))
            return OnCpu(checkpoint, cpu, $"auto: a {Name(checkpoint)} checkpoint on a CPU with native {Name(checkpoint)} matmul");
        var float32Bytes = parameterCount * 4;
        if (float32Bytes <= memoryBytes)
            return new ModelPrecision(ScalarType.Float32, null,
                $"float32 (auto: no native {Name(checkpoint)} matmul on this CPU, and float32 weights fit: " +
                $"{Gib(float32Bytes)} of {Gib(memoryBytes)})");
        var tooBig = $"float32 weights would need {Gib(float32Bytes)}, more than {Gib(memoryBytes)}";
        // A float16 checkpoint on a CPU that multiplies bfloat16 but not float16 (AVX512-BF16 without AVX512-FP16):
        // bfloat16 keeps half-precision memory and gets native prefill GEMM and the managed decode kernels, which do
        // not read float16 (vLLM's CPU backend casts float16 to bfloat16 too). Three fewer fraction bits.
        if (checkpoint == ScalarType.Float16 && cpu.IsNative(ScalarType.BFloat16))
            return OnCpu(ScalarType.BFloat16, cpu, $"auto: {tooBig}, and this CPU multiplies bfloat16 natively but not float16");
        return OnCpu(checkpoint, cpu, $"auto: {tooBig}");
    }

    /// <summary>
    /// Float32 or bfloat16 matmuls of up to <see cref="FewRowKernelRows"/> rows in <see cref="FewRowMatmul"/> and
    /// decode attention in <c>Language.DecodeAttention</c> (on a CPU with vector FMA; the loader asks). A float16
    /// model is left as it is: the kernels do not read float16.
    /// </summary>
    public ModelPrecision WithFewRowKernel(string vectorName)
    {
        if (!KernelElements.Takes(DType)) return this;
        // A dtype the CPU multiplies natively has no float32 upcast: its large matmuls stay in libtorch's own kernels.
        var matmul = Matmul ?? new MatmulPrecision(DType == ScalarType.Float32 ? UpcastFromRows : int.MaxValue);
        return this with
        {
            Matmul = matmul with { FewRowKernelRows = FewRowKernelRows, DecodeAttention = true },
            Description = $"{Description}; matmuls of up to {FewRowKernelRows} rows and decode attention in managed {vectorName} code",
        };
    }

    private static ModelPrecision OnCpu(ScalarType dtype, CpuHalfPrecision cpu, string reason)
    {
        var why = reason.Length == 0 ? "" : $"; {reason}";
        if (cpu.IsNative(dtype))
            return new ModelPrecision(dtype, null, dtype == ScalarType.Float32 ? "float32" : $"{Name(dtype)} (native matmul{why})");
        return new ModelPrecision(dtype, new MatmulPrecision(UpcastFromRows),
            $"{Name(dtype)} weights, float32 matmuls from {UpcastFromRows} rows (no native {Name(dtype)} matmul on this CPU{why})");
    }

    private static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => "float32",
    };

    private static string Gib(long bytes) => $"{bytes / (double)(1L << 30):F1} GiB";
}
