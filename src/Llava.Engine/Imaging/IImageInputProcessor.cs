namespace Llava.Engine.Imaging;

/// <summary>
/// Turns a decoded image into what the model takes: pixel values of one or more crops, and the number of prompt
/// positions the image's features fill (fixed for LLaVA-1.5, size-dependent for LLaVA-NeXT).
/// </summary>
public interface IImageInputProcessor
{
    ImageInput Process(DecodedImage image);
}

/// <param name="PixelValues">Float32 <c>[Crops, 3, Height, Width]</c>, flattened.</param>
/// <param name="Crops">Crops through the vision tower.</param>
/// <param name="Height">Height of each crop.</param>
/// <param name="Width">Width of each crop.</param>
/// <param name="Positions">Prompt positions the image's features fill.</param>
public sealed record ImageInput(float[] PixelValues, int Crops, int Height, int Width, int Positions);
