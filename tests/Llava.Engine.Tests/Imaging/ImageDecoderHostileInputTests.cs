using System.Buffers.Binary;
using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

public class ImageDecoderHostileInputTests
{
    private static readonly ImageLimits Limits = new();

    [Fact]
    public void RejectsEmptyInput()
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([], Limits));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsRandomBytes()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x00;

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, Limits));

        Assert.Contains("unsupported image format", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    [InlineData("gif")]
    [InlineData("webp")]
    [InlineData("bmp")]
    public void RejectsRandomBytesBehindAValidSignature(string format)
    {
        byte[] signature = format switch
        {
            "png" => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A],
            "jpeg" => [0xFF, 0xD8, 0xFF],
            "gif" => "GIF89a"u8.ToArray(),
            "webp" => [.. "RIFF"u8, 0x00, 0x10, 0x00, 0x00, .. "WEBP"u8],
            _ => "BM"u8.ToArray(),
        };
        var bytes = new byte[4096];
        new Random(11).NextBytes(bytes);
        signature.CopyTo(bytes, 0);

        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, Limits));
    }

    [Theory]
    [InlineData("landscape_640x480.png")]
    [InlineData("photo_200x150_q90.jpg")]
    [InlineData("exif_rot6_120x80.jpg")]
    public void RejectsTruncatedImage(string file)
    {
        var bytes = File.ReadAllBytes(RepoPaths.Image(file));

        foreach (int length in new[] { bytes.Length * 3 / 4, bytes.Length / 2, 40, 8 })
        {
            var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes.AsSpan(0, length), Limits));
            Assert.Matches("truncated|corrupt", error.Message);
        }
    }

    [Fact]
    public void AcceptsPngMissingOnlyItsEndChunkAsPillowDoes()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Image("landscape_640x480.png"));

        var decoded = ImageDecoder.Decode(bytes.AsSpan(0, bytes.Length - 12), Limits);

        ImagingFixtures.AssertSameImage(ImagingFixtures.LoadReferenceDecoded("landscape_640x480.png"), decoded, "no IEND");
    }

    [Fact]
    public void RejectsTruncatedGif()
    {
        var bytes = File.ReadAllBytes(ImagingFixtures.FixturePath("decode/animated.gif"));

        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes.AsSpan(0, bytes.Length / 3), Limits));
    }

    [Fact]
    public void RejectsHeaderClaimingTenBillionPixelsBeforeDecoding()
    {
        // A 100000 x 100000 RGB header followed by one row of data: decoding would need 40 GB.
        var png = CraftedPng.Build(100_000, 100_000, 8, 2, new byte[1 + 3 * 100_000]);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, Limits));

        Assert.Contains("100000x100000 = 10000000000 pixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsGifWhoseCanvasExceedsThePixelLimit()
    {
        var gif = File.ReadAllBytes(ImagingFixtures.FixturePath("decode/plain.gif"));
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), 65535);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), 65535);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(gif, Limits));

        Assert.Contains("pixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsZeroSizedImage()
    {
        var png = CraftedPng.Build(0, 5, 8, 2, new byte[5]);

        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, Limits));
    }

    [Fact]
    public void PixelLimitIsInclusive()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Image("tiny_10x7.png"));

        Assert.Equal(10, ImageDecoder.Decode(bytes, new ImageLimits(MaxPixels: 70)).Width);
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, new ImageLimits(MaxPixels: 69)));
        Assert.Contains("limit of 69", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsTooManyEncodedBytes()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Image("tiny_10x7.png"));

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, new ImageLimits(MaxEncodedBytes: bytes.Length - 1)));

        Assert.Contains($"{bytes.Length} bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0 })]
    public void RejectsFormatsOutsideTheAcceptedSet(byte[] header)
    {
        var bytes = header.Concat(new byte[256]).ToArray();

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, Limits));

        Assert.Contains("unsupported image format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodesFirstFrameOfAnimatedGif()
    {
        var path = ImagingFixtures.FixturePath("decode/animated.gif");

        var decoded = ImageDecoder.Decode(File.ReadAllBytes(path), Limits);

        ImagingFixtures.AssertSameImage(ImagingFixtures.LoadRgb(path + ".rgb.npy"), decoded, "animated.gif");
    }

    [Fact]
    public void DecodesMinimalHandMadePng()
    {
        // 2x1 RGB: one red, one blue pixel, filter byte 0.
        var png = CraftedPng.Build(2, 1, 8, 2, [0, 255, 0, 0, 0, 0, 255]);

        var decoded = ImageDecoder.Decode(png, Limits);

        Assert.Equal([255, 0, 0, 0, 0, 255], decoded.Rgb);
    }
}
