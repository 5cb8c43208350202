using System.Text.Json;
using Llava.Model.AnyResolution;

namespace Llava.Engine.Imaging;

/// <summary>
/// Hugging Face's slow <c>LlavaNextImageProcessor</c> (the Pillow backend) for one RGB image: choose the grid
/// resolution (<see cref="AnyResolutionGrid.SelectBestResolution"/>), resize keeping the aspect ratio, pad to the
/// resolution with black centred, cut crop-size patches in row-major order, and put the whole image resized to the
/// base size first; every crop then goes through the CLIP steps (<see cref="ClipImageProcessor"/>).
/// </summary>
public sealed class LlavaNextImageProcessor
{
    private const string ProcessorType = "LlavaNextImageProcessor";

    private readonly ClipImageProcessor _crop;
    private readonly int[][] _pinpoints;
    private readonly (int Height, int Width) _baseSize;
    private readonly int _patchSize;
    private readonly ResampleFilter _resample;

    private LlavaNextImageProcessor(ClipImageProcessorConfig config, int[][] pinpoints)
    {
        _crop = ClipImageProcessor.FromSettings(config);
        _pinpoints = pinpoints;
        _resample = config.Resample;
        var edge = config.ShortestEdge;
        _baseSize = edge is int side ? (side, side) : (config.ResizeHeight, config.ResizeWidth);
        _patchSize = config.DoCenterCrop ? config.CropHeight : _baseSize.Height;
        foreach (var pinpoint in pinpoints)
        {
            if (pinpoint[0] % _patchSize != 0 || pinpoint[1] % _patchSize != 0)
                throw new FormatException(
                    $"image_grid_pinpoints entry [{pinpoint[0]}, {pinpoint[1]}] is not a multiple of the crop size {_patchSize}");
        }
    }

    /// <summary>Height and width of every crop in the output.</summary>
    public int CropHeight => _crop.OutputHeight;

    /// <inheritdoc cref="CropHeight"/>
    public int CropWidth => _crop.OutputWidth;

    public IReadOnlyList<int[]> GridPinpoints => _pinpoints;

    /// <summary>
    /// Reads the image processor of a Hugging Face model directory (<c>preprocessor_config.json</c>, or the
    /// <c>image_processor</c> in transformers 5's <c>processor_config.json</c>).
    /// </summary>
    /// <param name="modelDir">The checkpoint folder.</param>
    /// <param name="modelPinpoints">The model config's <c>image_grid_pinpoints</c>: used when the processor settings
    /// have none, and otherwise required to be the same list (the prompt positions and the model's features would
    /// disagree for most images if they differed).</param>
    /// <exception cref="FileNotFoundException">The settings are missing.</exception>
    /// <exception cref="FormatException">The file is not valid JSON, its pinpoints are empty, differ from the model's
    /// or are not multiples of the crop size, or it holds unsupported settings.</exception>
    public static LlavaNextImageProcessor Load(string modelDir, IReadOnlyList<int[]>? modelPinpoints = null) =>
        ImageProcessorFiles.Read(modelDir, config => FromJson(config, modelPinpoints));

    /// <summary>Builds a processor from the JSON object of a preprocessor config.</summary>
    /// <inheritdoc cref="Load" path="/param[@name='modelPinpoints']"/>
    public static LlavaNextImageProcessor FromJson(JsonElement config, IReadOnlyList<int[]>? modelPinpoints = null)
    {
        var own = ParsePinpoints(config);
        if (own is not null && modelPinpoints is not null && !SamePinpoints(own, modelPinpoints))
            throw new FormatException(
                $"image_grid_pinpoints {Format(own)} differ from the model config's {Format(modelPinpoints)}");
        var pinpoints = own ?? modelPinpoints?.Select(p => p.ToArray()).ToArray()
            ?? throw new FormatException("image_grid_pinpoints is missing; a LLaVA-NeXT image processor needs its [height, width] resolutions");
        return new LlavaNextImageProcessor(ClipImageProcessorConfig.Parse(config, ProcessorType), pinpoints);
    }

    /// <summary>
    /// The crops of one image as pixel values, CHW per crop: float32 <c>[Crops, 3, CropHeight, CropWidth]</c>
    /// flattened, the whole image first, then the grid row by row.
    /// </summary>
    public NextImagePixels Preprocess(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var best = AnyResolutionGrid.SelectBestResolution(image.Height, image.Width, _pinpoints);
        var padded = ResizeAndPad(image, best);
        var crops = new List<DecodedImage>(1 + best.Height / _patchSize * (best.Width / _patchSize))
        {
            PillowResampler.Resize(image, _baseSize.Width, _baseSize.Height, _resample),
        };
        for (var y = 0; y < best.Height; y += _patchSize)
        {
            for (var x = 0; x < best.Width; x += _patchSize)
                crops.Add(RgbCrop.Crop(padded, new PixelRegion(x, y, _patchSize, _patchSize)));
        }

        var cropValues = 3 * CropHeight * CropWidth;
        var pixels = new float[crops.Count * cropValues];
        for (var i = 0; i < crops.Count; i++)
            _crop.Preprocess(crops[i]).CopyTo(pixels.AsSpan(i * cropValues, cropValues));
        return new NextImagePixels(pixels, crops.Count, CropHeight, CropWidth);
    }

    private DecodedImage ResizeAndPad(DecodedImage image, (int Height, int Width) target)
    {
        var (height, width) = AnyResolutionGrid.PatchOutputSize(image.Height, image.Width, target);
        var resized = PillowResampler.Resize(image, width, height, _resample);
        // np.pad with zeros: divmod puts the odd pixel after the image.
        int top = (target.Height - height) / 2, left = (target.Width - width) / 2;
        var canvas = new byte[3 * target.Height * target.Width];
        for (var y = 0; y < height; y++)
        {
            resized.Rgb.AsSpan(y * width * 3, width * 3)
                .CopyTo(canvas.AsSpan(((top + y) * target.Width + left) * 3, width * 3));
        }
        return new DecodedImage(target.Width, target.Height, canvas);
    }

    private static bool SamePinpoints(IReadOnlyList<int[]> a, IReadOnlyList<int[]> b) =>
        a.Count == b.Count && a.Zip(b).All(pair => pair.First.SequenceEqual(pair.Second));

    private static string Format(IEnumerable<int[]> pinpoints) =>
        "[" + string.Join(", ", pinpoints.Select(p => $"[{string.Join(", ", p)}]")) + "]";

    private static int[][]? ParsePinpoints(JsonElement root)
    {
        if (ClipImageProcessorConfig.Get(root, "image_grid_pinpoints") is not { } value)
            return null;
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            throw new FormatException($"image_grid_pinpoints must be a non-empty list of [height, width], got {value.GetRawText()}");
        return value.EnumerateArray().Select(pair =>
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
                throw new FormatException($"image_grid_pinpoints entries must be [height, width], got {pair.GetRawText()}");
            return new[]
            {
                ClipImageProcessorConfig.PositiveInt(pair[0], "image_grid_pinpoints height"),
                ClipImageProcessorConfig.PositiveInt(pair[1], "image_grid_pinpoints width"),
            };
        }).ToArray();
    }
}

/// <summary>One image's crops for LLaVA-NeXT: <c>[Crops, 3, Height, Width]</c> float32 values, flattened.</summary>
public sealed record NextImagePixels(float[] PixelValues, int Crops, int Height, int Width);
