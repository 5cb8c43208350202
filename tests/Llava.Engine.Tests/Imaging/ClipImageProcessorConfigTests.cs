using System.Text.Json;
using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

/// <summary>
/// Preprocessor config forms and options against a NumPy transcription of HF's CLIPImageProcessor on Pillow
/// (Fixtures/pipeline; the same transcription reproduces the golden pixel values bit for bit).
/// </summary>
public class ClipImageProcessorConfigTests
{
    public static TheoryData<string, string, string> PipelineCases()
    {
        var data = new TheoryData<string, string, string>();
        using var document = JsonDocument.Parse(File.ReadAllText(ImagingFixtures.FixturePath("pipeline/cases.json")));
        foreach (var c in document.RootElement.EnumerateArray())
            data.Add(c.GetProperty("config").GetRawText(), c.GetProperty("source").GetString()!, c.GetProperty("expected").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(PipelineCases))]
    public void MatchesHuggingFacePipeline(string configJson, string source, string expectedFile)
    {
        var processor = FromJson(configJson);
        var image = ImagingFixtures.LoadRgb(RepoPaths.ReferencePath($"images/decoded/{source}.rgb.npy"));
        var expected = Npy.Read(ImagingFixtures.FixturePath("pipeline/" + expectedFile));

        var actual = processor.Preprocess(image);

        Assert.Equal([3, processor.OutputHeight, processor.OutputWidth], expected.Shape);
        Assert.Equal(expected.AsFloat32(), actual);
    }

    [Fact]
    public void IntegerSizesMeanShortestEdgeAndSquareCrop()
    {
        var legacy = FromJson("""{"size": 84, "crop_size": 84, "resample": 3}""");
        var current = ClipImageProcessor.Load(RepoPaths.FixtureModel);
        var image = ImagingFixtures.LoadReferenceDecoded("portrait_300x500.png");

        Assert.Equal((140, 84), legacy.ResizedSize(500, 300));
        Assert.Equal(current.Preprocess(image), legacy.Preprocess(image));
    }

    [Fact]
    public void DefaultsAreClipDefaults()
    {
        var processor = FromJson("{}");

        Assert.Equal((224, 224), (processor.OutputHeight, processor.OutputWidth));
        Assert.Equal((224, 298), processor.ResizedSize(480, 640));
    }

    [Theory]
    [InlineData(480, 640, 84, 112)]
    [InlineData(640, 480, 112, 84)]
    [InlineData(7, 10, 84, 120)]
    [InlineData(3, 1000, 84, 28000)]
    [InlineData(100, 100, 84, 84)]
    [InlineData(85, 113, 84, 111)]
    public void ShortestEdgeTruncatesTheLongSide(int height, int width, int expectedHeight, int expectedWidth)
    {
        var processor = FromJson("""{"size": {"shortest_edge": 84}, "crop_size": 84}""");

        Assert.Equal((expectedHeight, expectedWidth), processor.ResizedSize(height, width));
    }

    [Fact]
    public void ExtremeAspectRatioOnlyResamplesTheCrop()
    {
        var processor = FromJson("""{"size": {"shortest_edge": 84}, "crop_size": 84}""");
        var stripe = new DecodedImage(20_000, 1, Enumerable.Range(0, 60_000).Select(i => (byte)(i / 3 % 251)).ToArray());

        var pixels = processor.Preprocess(stripe);

        Assert.Equal((84, 1_680_000), processor.ResizedSize(1, 20_000));
        Assert.Equal(3 * 84 * 84, pixels.Length);
    }

    [Theory]
    [InlineData("""{"resample": 7}""", "resample")]
    [InlineData("""{"resample": "bicubic"}""", "resample")]
    [InlineData("""{"size": {"longest_edge": 100}}""", "size")]
    [InlineData("""{"size": {"height": 10}}""", "size")]
    [InlineData("""{"size": 0}""", "size")]
    [InlineData("""{"size": [10, 20, 30]}""", "size")]
    [InlineData("""{"crop_size": {"shortest_edge": 10}}""", "crop_size")]
    [InlineData("""{"image_mean": [0.5, 0.5]}""", "image_mean")]
    [InlineData("""{"image_std": [0.5, 0, 0.5]}""", "image_std")]
    [InlineData("""{"do_resize": "yes"}""", "do_resize")]
    [InlineData("""{"rescale_factor": "0.1"}""", "rescale_factor")]
    [InlineData("""{"image_processor_type": "SiglipImageProcessor"}""", "SiglipImageProcessor")]
    [InlineData("""{"do_center_crop": false}""", "depends on the image")]
    [InlineData("""[]""", "JSON object")]
    public void RejectsInvalidConfigWithClearMessage(string json, string mentioned)
    {
        var error = Assert.Throws<FormatException>(() => FromJson(json));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadReportsMissingFile()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => ClipImageProcessor.Load(directory.FullName));
            Assert.Contains("preprocessor_config.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadReportsInvalidJson()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "preprocessor_config.json"), "{\"size\": ");
            var error = Assert.Throws<FormatException>(() => ClipImageProcessor.Load(directory.FullName));
            Assert.Contains("preprocessor_config.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static ClipImageProcessor FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ClipImageProcessor.FromJson(document.RootElement);
    }
}
