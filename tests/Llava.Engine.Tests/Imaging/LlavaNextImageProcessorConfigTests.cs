using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Imaging;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Imaging;

/// <summary>
/// Bad LLaVA-NeXT image-processor settings are refused with a message that names what is wrong; missing pinpoints
/// fall back to the model config's, as Hugging Face's processor and model then agree on them.
/// </summary>
public class LlavaNextImageProcessorConfigTests
{
    private static readonly int[][] ModelPinpoints = [[84, 168], [168, 84], [168, 168], [252, 84], [84, 252]];

    /// <summary>The Vicuna fixture's preprocessor_config.json (84 px crops), with <paramref name="edit"/> applied.</summary>
    private static JsonElement Settings(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(NextGolden.ModelDir("tiny-llava-next-vicuna"), "preprocessor_config.json")))!.AsObject();
        edit(json);
        return JsonDocument.Parse(json.ToJsonString()).RootElement;
    }

    [Fact]
    public void PinpointsMissingEverywhereAreRefused()
    {
        var error = Assert.Throws<FormatException>(() =>
            LlavaNextImageProcessor.FromJson(Settings(s => s.Remove("image_grid_pinpoints")), modelPinpoints: null));

        Assert.Contains("image_grid_pinpoints is missing", error.Message);
    }

    [Fact]
    public void PinpointsMissingFromTheProcessorComeFromTheModel()
    {
        var processor = LlavaNextImageProcessor.FromJson(Settings(s => s.Remove("image_grid_pinpoints")), ModelPinpoints);

        Assert.Equal(ModelPinpoints, processor.GridPinpoints);
    }

    [Fact]
    public void PinpointsThatDifferFromTheModelsAreRefused()
    {
        var error = Assert.Throws<FormatException>(() =>
            LlavaNextImageProcessor.FromJson(Settings(_ => { }), [[84, 168], [168, 84]]));

        Assert.Contains("differ from the model config's [[84, 168], [168, 84]]", error.Message);
    }

    [Theory]
    [InlineData("[]", "non-empty list")]
    [InlineData("[[84, 100]]", "not a multiple of the crop size 84")]
    [InlineData("[[84]]", "must be [height, width]")]
    [InlineData("[[0, 84]]", "image_grid_pinpoints height")]
    public void MalformedPinpointsAreRefused(string pinpoints, string message)
    {
        var error = Assert.Throws<FormatException>(() =>
            LlavaNextImageProcessor.FromJson(Settings(s => s["image_grid_pinpoints"] = JsonNode.Parse(pinpoints)), modelPinpoints: null));

        Assert.Contains(message, error.Message);
    }
}
