using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

public class ImageDecoderReferenceTests
{
    public static TheoryData<string> ReferenceImages => new(ImagingFixtures.ReferenceImages);

    public static TheoryData<string> GeneratedImages => new(
        Directory.GetFiles(Path.Combine(ImagingFixtures.Folder, "decode"))
            .Where(f => !f.EndsWith(".npy", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(ReferenceImages))]
    public void DecodesReferenceImagesExactlyAsPillow(string file)
    {
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(RepoPaths.Image(file)), new ImageLimits());

        ImagingFixtures.AssertSameImage(ImagingFixtures.LoadReferenceDecoded(file), decoded, file);
    }

    [Theory]
    [MemberData(nameof(GeneratedImages))]
    public void DecodesFormatVariantsExactlyAsPillow(string file)
    {
        var path = ImagingFixtures.FixturePath(Path.Combine("decode", file));

        var decoded = ImageDecoder.Decode(File.ReadAllBytes(path), new ImageLimits());

        ImagingFixtures.AssertSameImage(ImagingFixtures.LoadRgb(path + ".rgb.npy"), decoded, file);
    }

    [Fact]
    public void ExifOrientationSixRotatesTheStoredImage()
    {
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(RepoPaths.Image("exif_rot6_120x80.jpg")), new ImageLimits());

        Assert.Equal((80, 120), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void TransparentPixelsKeepTheirColour()
    {
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(RepoPaths.Image("rgba_100x80.png")), new ImageLimits());

        // Compositing on white (what a browser shows) would turn every transparent pixel into 255s.
        Assert.Contains(decoded.Rgb, v => v < 200);
        ImagingFixtures.AssertSameImage(ImagingFixtures.LoadReferenceDecoded("rgba_100x80.png"), decoded, "rgba");
    }
}
