namespace Llava.Engine.Imaging;

/// <summary>LLaVA-1.5's image input: one CLIP crop per image, always <paramref name="positions"/> prompt positions.</summary>
public sealed class ClipImageInput(ClipImageProcessor processor, int positions) : IImageInputProcessor
{
    public ImageInput Process(DecodedImage image) =>
        new(processor.Preprocess(image), 1, processor.OutputHeight, processor.OutputWidth, positions);
}
