using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>A hand-over runs libtorch on one thread and the managed kernels on the threads it had, and gives them back.</summary>
public sealed class KernelThreadsTests
{
    [Fact]
    public void AHandOverGivesTheKernelsLibtorchsThreadsAndRestoresThem()
    {
        var before = get_num_threads();
        set_num_threads(2);
        try
        {
            using (var handOver = KernelThreads.HandOver())
            {
                Assert.NotNull(handOver);
                Assert.Equal(1, get_num_threads());
                Assert.Equal(2, KernelThreads.Count);
                Assert.Null(KernelThreads.HandOver());
            }
            Assert.Equal(2, get_num_threads());
            Assert.Equal(2, KernelThreads.Count);

            set_num_threads(1);
            Assert.Null(KernelThreads.HandOver());
        }
        finally
        {
            set_num_threads(before);
        }
    }
}
