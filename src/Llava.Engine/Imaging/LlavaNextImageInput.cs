using Llava.Model.AnyResolution;
using Llava.Model.Config;

namespace Llava.Engine.Imaging;

/// <summary>
/// LLaVA-NeXT's image input: the crops of <see cref="LlavaNextImageProcessor"/>, and the positions the model's
/// packed features take, from the same arithmetic the model packs them with (<see cref="AnyResolutionGrid.Tile"/>).
/// </summary>
public sealed class LlavaNextImageInput(LlavaNextImageProcessor processor, LlavaConfig config) : IImageInputProcessor
{
    public ImageInput Process(DecodedImage image)
    {
        var pixels = processor.Preprocess(image);
        var positions = AnyResolutionGrid.Tile(config, image.Height, image.Width).FeatureCount;
        return new ImageInput(pixels.PixelValues, pixels.Crops, pixels.Height, pixels.Width, positions);
    }
}
