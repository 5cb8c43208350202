using Llava.Engine.Imaging;
using static TorchSharp.torch;

namespace Llava.Training.Data;

/// <summary>
/// Loads images of a data folder through the server's own decoder and CLIP preprocessing, so training sees exactly
/// the pixels inference will.
/// </summary>
public sealed class ImageStore(string folder, ClipImageProcessor processor)
{
    private readonly ImageLimits _limits = new();

    public string Folder => folder;

    public string PathOf(string image) => Path.Combine(folder, image);

    public bool Exists(string image) => File.Exists(PathOf(image));

    /// <summary>Normalised pixels <c>[images, 3, height, width]</c>, float32 on the CPU.</summary>
    public Tensor Pixels(IReadOnlyList<string> images)
    {
        var size = 3 * processor.OutputHeight * processor.OutputWidth;
        var data = new float[images.Count * size];
        Parallel.For(0, images.Count, i =>
        {
            var decoded = ImageDecoder.Decode(File.ReadAllBytes(PathOf(images[i])), _limits);
            processor.Preprocess(decoded).CopyTo(data, i * size);
        });
        return tensor(data, [images.Count, 3, processor.OutputHeight, processor.OutputWidth]);
    }
}
