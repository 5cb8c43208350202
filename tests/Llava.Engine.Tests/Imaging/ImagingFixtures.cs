using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

/// <summary>Paths and loaders for the reference fixture and this folder's Pillow-generated fixtures (see Fixtures/generate.py).</summary>
internal static class ImagingFixtures
{
    public static readonly string[] ReferenceImages =
    [
        "gradient_84x84.png", "landscape_640x480.png", "portrait_300x500.png", "tiny_10x7.png", "grayscale_120x90.png",
        "rgba_100x80.png", "palette_64x48.png", "photo_200x150_q90.jpg", "one_1x1.png", "exif_rot6_120x80.jpg",
    ];

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Imaging", "Fixtures");

    public static string FixturePath(string relative) => Path.Combine(Folder, relative);

    public static string Stem(string imageFile) => Path.GetFileNameWithoutExtension(imageFile);

    /// <summary>An HWC uint8 .npy as an image.</summary>
    public static DecodedImage LoadRgb(string npyPath)
    {
        var array = Npy.Read(npyPath);
        Assert.Equal(3, array.Shape.Length);
        Assert.Equal(3, array.Shape[2]);
        return new DecodedImage(array.Shape[1], array.Shape[0], array.AsUInt8());
    }

    /// <summary>The reference fixture's decoded image (after EXIF transpose and convert("RGB")).</summary>
    public static DecodedImage LoadReferenceDecoded(string imageFile) =>
        LoadRgb(RepoPaths.ReferencePath($"images/decoded/{Stem(imageFile)}.rgb.npy"));

    public static void AssertSameImage(DecodedImage expected, DecodedImage actual, string label)
    {
        Assert.True(expected.Width == actual.Width && expected.Height == actual.Height,
            $"{label}: expected {expected.Width}x{expected.Height}, got {actual.Width}x{actual.Height}");
        int differing = 0, maxDifference = 0, first = -1;
        for (int i = 0; i < expected.Rgb.Length; i++)
        {
            int d = Math.Abs(expected.Rgb[i] - actual.Rgb[i]);
            if (d == 0) continue;
            differing++;
            maxDifference = Math.Max(maxDifference, d);
            if (first < 0) first = i;
        }

        if (differing > 0)
            Assert.Fail($"{label}: {differing} of {expected.Rgb.Length} values differ (max {maxDifference}); first at pixel {first / 3} channel {first % 3}: expected {expected.Rgb[first]}, got {actual.Rgb[first]}");
    }
}
