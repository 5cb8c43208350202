using Llava.Engine.Imaging;
using Llava.Model.Config;
using Llava.TestSupport;
using Xunit.Abstractions;

namespace Llava.Engine.Tests.Imaging;

/// <summary>
/// LLaVA-NeXT pixel values against Hugging Face's Pillow <c>LlavaNextImageProcessor</c> (tests/fixtures/next):
/// grid choice, aspect-preserving resize, centred padding, crop order and the base image, for odd sizes from 1x1
/// to 1000x200 and 200x1000 (whose base-image resize Pillow 13 runs vertical pass first), under two pinpoint
/// lists and crop sizes.
/// </summary>
public class LlavaNextImageProcessorGoldenTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Images => NextGolden.ModelImages();

    [Theory]
    [MemberData(nameof(Images))]
    public void PixelValuesMatchGolden(string model, string file)
    {
        var modelDir = NextGolden.ModelDir(model);
        var processor = LlavaNextImageProcessor.Load(modelDir, LlavaConfig.Load(modelDir).GridPinpoints);
        var golden = NextGolden.Root(model).GetProperty("preprocess").GetProperty(file);
        var expected = NextGolden.Npy(golden.GetProperty("pixel_values_file").GetString()!);
        var image = ImageDecoder.Decode(File.ReadAllBytes(NextGolden.Image(model, file)), new ImageLimits());

        var actual = processor.Preprocess(image);

        Assert.Equal(expected.Shape, new[] { actual.Crops, 3, actual.Height, actual.Width });
        var size = golden.GetProperty("image_size");
        Assert.Equal((size[0].GetInt32(), size[1].GetInt32()), (image.Height, image.Width));
        var expectedValues = expected.AsFloat32();
        double maxDeviation = 0;
        for (var i = 0; i < expectedValues.Length; i++)
            maxDeviation = Math.Max(maxDeviation, Math.Abs((double)actual.PixelValues[i] - expectedValues[i]));
        output.WriteLine($"{model}/{file}: {actual.Crops} crops, max |deviation| {maxDeviation:E3}");
        Assert.True(maxDeviation <= 1e-4, $"{file}: max |deviation| {maxDeviation}");
    }
}
