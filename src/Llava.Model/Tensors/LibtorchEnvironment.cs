using System.Runtime.InteropServices;

namespace Llava.Model.Tensors;

/// <summary>
/// Settings libtorch reads from the process environment once, at its first use: each must be set before the first
/// tensor is created, and a value the operator put in the environment wins.
/// </summary>
public static partial class LibtorchEnvironment
{
    /// <summary>
    /// Asks libtorch to place CPU tensors of 2 MiB and more on transparent huge pages (<c>THP_MEM_ALLOC_ENABLE</c>,
    /// which works where the kernel's THP mode is <c>madvise</c> or <c>always</c>). Filling a 7B model's 14 GB of
    /// fresh weights otherwise costs one page fault per 4 KiB: on the 2-core AMD EPYC (Zen 5) that made the load of
    /// the llava-1.5-7b layout take 81 s instead of 28 s, and the prefill's activations fault the same way.
    /// </summary>
    public static void PreferHugePages() => SetDefault("THP_MEM_ALLOC_ENABLE", "1");

    public static void SetDefault(string name, string value)
    {
        // .NET keeps its own copy of the environment on Unix; native code only sees variables set through libc.
        if (OperatingSystem.IsWindows() || Environment.GetEnvironmentVariable(name) is not null) return;
        _ = SetEnv(name, value, overwrite: 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
