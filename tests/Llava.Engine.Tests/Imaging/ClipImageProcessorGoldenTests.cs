using System.Security.Cryptography;
using System.Text.Json;
using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

/// <summary>pixel_values against the Hugging Face golden outputs of the reference fixture.</summary>
public class ClipImageProcessorGoldenTests
{
    private static readonly JsonElement Preprocess = LoadPreprocess();

    private static readonly ClipImageProcessor Processor = ClipImageProcessor.Load(RepoPaths.FixtureModel);

    public static TheoryData<string> ReferenceImages => new(ImagingFixtures.ReferenceImages);

    [Fact]
    public void OutputSizeIsTheCropSize()
    {
        Assert.Equal((84, 84), (Processor.OutputHeight, Processor.OutputWidth));
    }

    [Theory]
    [MemberData(nameof(ReferenceImages))]
    public void ResizedSizeMatchesGolden(string file)
    {
        var image = ImagingFixtures.LoadReferenceDecoded(file);
        var expected = Preprocess.GetProperty(file).GetProperty("resized_hw");

        var (height, width) = Processor.ResizedSize(image.Height, image.Width);

        Assert.Equal((expected[0].GetInt32(), expected[1].GetInt32()), (height, width));
    }

    [Theory]
    [MemberData(nameof(ReferenceImages))]
    public void PixelValuesFromDecodedArrayMatchGolden(string file)
    {
        var actual = Processor.Preprocess(ImagingFixtures.LoadReferenceDecoded(file));

        AssertMatchesGolden(file, actual);
    }

    [Theory]
    [MemberData(nameof(ReferenceImages))]
    public void PixelValuesFromEncodedFileMatchGolden(string file)
    {
        var image = ImageDecoder.Decode(File.ReadAllBytes(RepoPaths.Image(file)), new ImageLimits());

        AssertMatchesGolden(file, Processor.Preprocess(image));
    }

    private static void AssertMatchesGolden(string file, float[] actual)
    {
        var golden = Preprocess.GetProperty(file).GetProperty("pixel_values");
        var expected = Npy.Read(RepoPaths.ReferencePath(Preprocess.GetProperty(file).GetProperty("pixel_values_file").GetString()!));
        Assert.Equal([3, 84, 84], expected.Shape);
        var expectedValues = expected.AsFloat32();
        Assert.Equal(expectedValues.Length, actual.Length);

        double maxDeviation = 0;
        for (int i = 0; i < actual.Length; i++)
            maxDeviation = Math.Max(maxDeviation, Math.Abs((double)actual[i] - expectedValues[i]));
        Assert.True(maxDeviation <= 1e-4, $"{file}: max |deviation| {maxDeviation}");

        var first16 = golden.GetProperty("first16").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        Assert.Equal(first16, actual[..16]);

        // The hash of the raw float32 bytes pins every value to the bit.
        var bytes = new byte[actual.Length * 4];
        Buffer.BlockCopy(actual, 0, bytes, 0, bytes.Length);
        Assert.Equal(golden.GetProperty("sha256_raw_float32_le").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private static JsonElement LoadPreprocess()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepoPaths.GoldenJson));
        return document.RootElement.GetProperty("preprocess").Clone();
    }
}
