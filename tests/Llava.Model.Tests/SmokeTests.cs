using TorchSharp;

namespace Llava.Model.Tests;

public class TorchNativeTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        using var a = torch.ones(2, 3);
        using var b = torch.ones(3, 2);
        using var c = a.matmul(b);
        Assert.Equal(3f, c[0, 0].item<float>());
    }
}
