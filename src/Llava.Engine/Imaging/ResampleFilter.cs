namespace Llava.Engine.Imaging;

/// <summary>Pillow's resampling filters, numbered as in <c>PIL.Image.Resampling</c> (the <c>resample</c> value of a preprocessor config).</summary>
public enum ResampleFilter
{
    Nearest = 0,
    Lanczos = 1,
    Bilinear = 2,
    Bicubic = 3,
    Box = 4,
    Hamming = 5,
}
