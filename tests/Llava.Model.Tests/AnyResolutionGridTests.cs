using Llava.Model.AnyResolution;
using Llava.Model.Config;

namespace Llava.Model.Tests;

/// <summary>Prompt positions per image under the llava-v1.6 7B defaults (336-pixel crops, HF's default pinpoints).</summary>
public sealed class AnyResolutionGridTests
{
    private static readonly LlavaConfig Next7b = LlavaConfig.Parse("""{"model_type": "llava_next"}""", "config.json");

    /// <summary>Expected counts are <c>LlavaNextProcessor._get_number_of_features(h, w, 336, 336) - 1</c> (transformers 5.12).</summary>
    [Theory]
    [InlineData(480, 640, 2340)]
    [InlineData(672, 672, 2928)]
    [InlineData(1, 1, 1176)]
    [InlineData(200, 1000, 1598)]
    public void PositionsMatchTheProcessorsCount(int height, int width, int positions)
    {
        Assert.Equal(positions, AnyResolutionGrid.Tile(Next7b, height, width).FeatureCount);
    }

    [Fact]
    public void ALandscapeImageKeepsItsMiddleRows()
    {
        var tiling = AnyResolutionGrid.Tile(Next7b, 480, 640);

        Assert.Equal((672, 672), tiling.Resolution);
        Assert.Equal((2, 2, 5), (tiling.GridRows, tiling.GridColumns, tiling.Crops));
        Assert.Equal(new UnpaddedRegion(6, 36, 0, 48), tiling.Region);
    }
}
