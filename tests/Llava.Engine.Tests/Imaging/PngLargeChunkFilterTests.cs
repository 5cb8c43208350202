using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

/// <summary>
/// Large ancillary PNG chunks never reach libpng, whose progressive reader copies them quadratically (a picture
/// padded with one 8 MB chunk took minutes of CPU); everything else reaches it unchanged.
/// </summary>
public class PngLargeChunkFilterTests
{
    [Fact]
    public void LargeAncillaryChunksAreDroppedAndThePixelsAreUnchanged()
    {
        var plain = CraftedPng.Solid(16, 8);
        var padded = CraftedPng.Solid(16, 8, paddingBytes: 8_000_000);

        using var data = PngLargeChunkFilter.ToSkiaData(padded);

        Assert.Equal(plain, data.ToArray());
        var decoded = ImageDecoder.Decode(padded, new ImageLimits());
        Assert.Equal(ImageDecoder.Decode(plain, new ImageLimits()).Rgb, decoded.Rgb);
    }

    [Theory]
    [InlineData(PngLargeChunkFilter.MaxAncillaryChunkBytes)]
    [InlineData(1000)]
    public void SmallAncillaryChunksAreKept(int size)
    {
        var png = CraftedPng.Solid(16, 8, paddingBytes: size);

        using var data = PngLargeChunkFilter.ToSkiaData(png);

        Assert.Equal(png, data.ToArray());
    }

    [Fact]
    public void AMalformedChunkListIsPassedOnForTheDecoderToJudge()
    {
        var png = CraftedPng.Solid(16, 8, paddingBytes: 100_000)[..50_000];

        using var data = PngLargeChunkFilter.ToSkiaData(png);

        Assert.Equal(png, data.ToArray());
    }
}
