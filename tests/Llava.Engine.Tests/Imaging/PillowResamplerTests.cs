using System.Text.Json;
using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

/// <summary>Resizes of the reference fixture's decoded arrays against <c>PIL.Image.resize</c> outputs (Fixtures/resize).</summary>
public class PillowResamplerTests
{
    public static TheoryData<string, int, int, int, string> Cases()
    {
        var data = new TheoryData<string, int, int, int, string>();
        using var document = JsonDocument.Parse(File.ReadAllText(ImagingFixtures.FixturePath("resize/cases.json")));
        foreach (var c in document.RootElement.EnumerateArray())
        {
            data.Add(c.GetProperty("source").GetString()!, c.GetProperty("width").GetInt32(), c.GetProperty("height").GetInt32(),
                c.GetProperty("filter").GetInt32(), c.GetProperty("expected").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPillowResize(string source, int width, int height, int filter, string expectedFile)
    {
        var image = ImagingFixtures.LoadRgb(RepoPaths.ReferencePath($"images/decoded/{source}.rgb.npy"));

        var resized = PillowResampler.Resize(image, width, height, (ResampleFilter)filter);

        ImagingFixtures.AssertSameImage(ImagingFixtures.LoadRgb(ImagingFixtures.FixturePath("resize/" + expectedFile)), resized, expectedFile);
    }

    [Fact]
    public void SameSizeReturnsTheImageUnchanged()
    {
        var image = ImagingFixtures.LoadReferenceDecoded("tiny_10x7.png");

        Assert.Same(image, PillowResampler.Resize(image, 10, 7, ResampleFilter.Bicubic));
    }

    [Fact]
    public void RejectsUnknownFilter()
    {
        var image = ImagingFixtures.LoadReferenceDecoded("tiny_10x7.png");

        Assert.Throws<ArgumentOutOfRangeException>(() => PillowResampler.Resize(image, 5, 5, (ResampleFilter)6));
    }
}
