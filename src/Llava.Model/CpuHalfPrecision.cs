using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>
/// Whether this CPU multiplies half-precision matrices in hardware: AVX512-BF16 or AMX-BF16 for bfloat16,
/// AVX512-FP16 or AMX-FP16 for float16 (x86), the BF16 extension for bfloat16 (Arm). Without them libtorch's
/// half-precision matmul falls back to scalar conversion loops several times slower than float32.
/// </summary>
public sealed record CpuHalfPrecision(bool BFloat16, bool Float16)
{
    private const string CpuInfoPath = "/proc/cpuinfo";

    /// <summary>This machine's answer, read from <c>/proc/cpuinfo</c>; none where that file does not exist.</summary>
    public static CpuHalfPrecision Detect() =>
        File.Exists(CpuInfoPath) ? FromCpuInfo(File.ReadAllText(CpuInfoPath)) : new CpuHalfPrecision(false, false);

    /// <summary>From the text of <c>/proc/cpuinfo</c>: the first processor's <c>flags</c> (x86) or <c>Features</c> (Arm) line.</summary>
    public static CpuHalfPrecision FromCpuInfo(string cpuInfo)
    {
        var line = cpuInfo.Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)
                                                           || l.StartsWith("Features", StringComparison.Ordinal));
        var flags = line is null
            ? new HashSet<string>()
            : line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return new CpuHalfPrecision(
            flags.Contains("avx512_bf16") || flags.Contains("amx_bf16") || flags.Contains("bf16"),
            flags.Contains("avx512_fp16") || flags.Contains("amx_fp16"));
    }

    public bool IsNative(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => BFloat16,
        ScalarType.Float16 => Float16,
        _ => true,
    };
}
