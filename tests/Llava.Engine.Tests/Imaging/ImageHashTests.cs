using System.Security.Cryptography;
using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

public class ImageHashTests
{
    [Fact]
    public void HashesDimensionsThenPixels()
    {
        var image = new DecodedImage(2, 1, [1, 2, 3, 4, 5, 6]);
        byte[] expectedInput = [2, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3, 4, 5, 6];

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expectedInput)), ImageHash.Compute(image));
    }

    [Fact]
    public void SamePixelsInAnotherShapeHashDifferently()
    {
        byte[] pixels = [1, 2, 3, 4, 5, 6];

        Assert.NotEqual(ImageHash.Compute(new DecodedImage(2, 1, pixels)), ImageHash.Compute(new DecodedImage(1, 2, pixels)));
    }

    [Fact]
    public void DependsOnPixelsNotOnTheirSource()
    {
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(RepoPaths.Image("photo_200x150_q90.jpg")), new ImageLimits());
        var fromArray = ImagingFixtures.LoadReferenceDecoded("photo_200x150_q90.jpg");
        var changed = (byte[])fromArray.Rgb.Clone();
        changed[^1] ^= 1;

        Assert.Equal(ImageHash.Compute(fromArray), ImageHash.Compute(decoded));
        Assert.NotEqual(ImageHash.Compute(fromArray), ImageHash.Compute(new DecodedImage(fromArray.Width, fromArray.Height, changed)));
    }
}
