using System.Runtime.InteropServices;
using Llava.Model.Tensors;

namespace Llava.Model.Tests;

public sealed class LibtorchEnvironmentTests
{
    [Fact]
    public void A_default_reaches_native_code_and_never_overrides_a_value_already_set()
    {
        if (OperatingSystem.IsWindows()) return;
        var name = "LLAVA_TEST_" + Guid.NewGuid().ToString("N");

        LibtorchEnvironment.SetDefault(name, "1");
        LibtorchEnvironment.SetDefault(name, "2");

        Assert.Equal("1", Marshal.PtrToStringUTF8(GetEnv(name)));
    }

    [Fact]
    public void A_value_the_operator_set_wins_over_the_default()
    {
        if (OperatingSystem.IsWindows()) return;
        var name = "LLAVA_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "0");

        LibtorchEnvironment.SetDefault(name, "1");

        Assert.Equal(IntPtr.Zero, GetEnv(name));
        Environment.SetEnvironmentVariable(name, null);
    }

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
