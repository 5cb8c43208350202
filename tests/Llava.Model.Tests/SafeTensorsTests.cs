using System.Buffers.Binary;
using Llava.Model.Tests.Support;
using Llava.Model.Weights;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

public sealed class SafeTensorsTests
{
    [Theory]
    [InlineData(ScalarType.Float32, "F32")]
    [InlineData(ScalarType.Float16, "F16")]
    [InlineData(ScalarType.BFloat16, "BF16")]
    public void WrittenTensorsReadBackExactly(ScalarType type, string name)
    {
        using var dir = new TempDir();
        using var matrix = randn(5, 7).to(type);
        using var vector = randn(3).to(type);
        var path = dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, [("a.matrix", matrix), ("b.vector", vector)],
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "test" });

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(name, file.Tensors["a.matrix"].DType);
        Assert.Equal([5L, 7L], file.Tensors["a.matrix"].Shape);
        Assert.Equal("test", file.Metadata["note"]);
        using var readMatrix = file.Read("a.matrix");
        using var readVector = file.Read("b.vector");
        Assert.True(TensorCompare.Identical(readMatrix, matrix));
        Assert.True(TensorCompare.Identical(readVector, vector));
    }

    [Fact]
    public void TensorDataStartsEightByteAligned()
    {
        using var dir = new TempDir();
        using var scalar = ones(1);
        var path = dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, [("x", scalar)]);
        var bytes = File.ReadAllBytes(path);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal(8 + (long)headerLength + 4, bytes.Length);
    }

    [Fact]
    public void ConversionAcrossMoreThanOneCopyChunk()
    {
        using var dir = new TempDir();
        // 17M float32 elements span two 64 MiB copy chunks.
        using var large = arange(0, 17_000_000, 1, ScalarType.Float32);
        var path = dir.File("large.safetensors");
        SafeTensorsWriter.Write(path, [("large", large)]);

        using var file = SafeTensorsFile.Open(path);
        using var asFloat32 = empty(17_000_000);
        file.CopyTo("large", asFloat32);
        Assert.True(TensorCompare.Identical(asFloat32, large));
        using var asBfloat16 = empty([17_000_000], ScalarType.BFloat16);
        file.CopyTo("large", asBfloat16);
        using var expected = large.to(ScalarType.BFloat16);
        Assert.True(TensorCompare.Identical(asBfloat16, expected));
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        using var dir = new TempDir();
        using var scalar = ones(1);
        var path = dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, [("x", scalar)]);
        using var file = SafeTensorsFile.Open(path);
        var error = Assert.Throws<ModelLoadException>(() => file.Read("y"));
        Assert.Contains("'y'", error.Message);
        Assert.Contains(path, error.Message);
    }
}
