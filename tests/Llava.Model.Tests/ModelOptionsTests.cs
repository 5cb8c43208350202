using Llava.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

public sealed class ModelOptionsTests
{
    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("CUDA", DeviceType.CUDA, 0)]
    [InlineData("cuda:3", DeviceType.CUDA, 3)]
    public void DevicesParse(string text, DeviceType type, int index)
    {
        var device = ModelOptions.ParseDevice(text);
        Assert.Equal(type, device.type);
        if (type == DeviceType.CUDA) Assert.Equal(index, device.index);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void BadDevicesAreRejected(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => ModelOptions.ParseDevice(text));
        Assert.Contains($"'{text}'", error.Message);
    }

    [Theory]
    [InlineData("float32", ScalarType.Float32)]
    [InlineData("fp32", ScalarType.Float32)]
    [InlineData("bfloat16", ScalarType.BFloat16)]
    [InlineData("BF16", ScalarType.BFloat16)]
    [InlineData("float16", ScalarType.Float16)]
    [InlineData("fp16", ScalarType.Float16)]
    public void DTypesParse(string text, ScalarType expected) =>
        Assert.Equal(expected, ModelOptions.ParseDType(text, "float16", CPU));

    [Fact]
    public void AutoUsesTheCheckpointDtypeOnCudaAndFloat32OnCpu()
    {
        var gpu = new Device(DeviceType.CUDA, 0);
        Assert.Equal(ScalarType.Float32, ModelOptions.ParseDType("auto", "bfloat16", CPU));
        Assert.Equal(ScalarType.BFloat16, ModelOptions.ParseDType("auto", "bfloat16", gpu));
        Assert.Equal(ScalarType.Float16, ModelOptions.ParseDType("auto", "float16", gpu));
        Assert.Equal(ScalarType.Float32, ModelOptions.ParseDType("auto", null, gpu));
    }

    [Fact]
    public void BadDTypeIsRejectedBeforeAnythingLoads()
    {
        var error = Assert.Throws<ArgumentException>(() => LlavaForConditionalGeneration.FromPretrained(
            RepoPaths.FixtureModel, new ModelOptions { DType = "float8" }));
        Assert.Contains("'float8'", error.Message);
    }

    [Fact]
    public void UnavailableCudaDeviceIsReported()
    {
        var error = Assert.Throws<ArgumentException>(() => LlavaForConditionalGeneration.FromPretrained(
            RepoPaths.FixtureModel, new ModelOptions { Device = "cuda:99" }));
        Assert.Contains("'cuda:99'", error.Message);
    }
}
