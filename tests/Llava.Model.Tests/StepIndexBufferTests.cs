using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>The per-step index buffer: uploads hold their values, and on the CPU they are the buffer itself.</summary>
public sealed class StepIndexBufferTests
{
    [Fact]
    public void UploadsKeepTheirValuesThroughAStepEvenWhenTheBufferGrows()
    {
        using var buffer = new StepIndexBuffer(CPU);
        using var scope = NewDisposeScope();
        buffer.Begin();
        var first = buffer.Upload([1, 2, 3]);
        var large = buffer.Upload(Enumerable.Range(0, 5000).Select(i => (long)i).ToArray());
        var empty = buffer.Upload([]);
        var last = buffer.Upload([7]);
        Assert.Equal(0, empty.shape[0]);
        Assert.Equal([1L, 2, 3], first.data<long>().ToArray());
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (long)i), large.data<long>().ToArray());
        Assert.Equal([7L], last.data<long>().ToArray());
        Assert.Equal(ScalarType.Int64, first.dtype);
    }

    [Fact]
    public void OnTheCpuTheNextStepReusesTheSameMemoryWithoutACopy()
    {
        using var buffer = new StepIndexBuffer(CPU);
        using var scope = NewDisposeScope();
        buffer.Begin();
        var step1 = buffer.Upload([10, 11]);
        buffer.Begin();
        var step2 = buffer.Upload([20, 21]);
        Assert.Equal([20L, 21], step1.data<long>().ToArray());
    }
}
