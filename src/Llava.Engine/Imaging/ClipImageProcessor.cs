using System.Text.Json;

namespace Llava.Engine.Imaging;

/// <summary>
/// Hugging Face's slow <c>CLIPImageProcessor</c> (the Pillow path) for one RGB image: shortest-edge or fixed-size
/// resize with Pillow's resampling, center crop with HF's floor offsets and zero padding, rescale in float64
/// cast to float32, normalise in float32. Produces <c>pixel_values</c> in CHW order.
/// </summary>
public sealed class ClipImageProcessor
{
    /// <summary>OpenAI CLIP's per-channel normalisation, which llava-hf's preprocessor configs carry and which applies
    /// where a config leaves it out.</summary>
    public static readonly IReadOnlyList<double> OpenAiClipMean = [0.48145466, 0.4578275, 0.40821073];

    /// <inheritdoc cref="OpenAiClipMean"/>
    public static readonly IReadOnlyList<double> OpenAiClipStd = [0.26862954, 0.26130258, 0.27577711];

    private const int Channels = 3;

    private readonly ClipImageProcessorConfig _config;

    /// <summary>Output float for each channel and uint8 value: every step after the crop is per-value.</summary>
    private readonly float[] _valueTable;

    private ClipImageProcessor(ClipImageProcessorConfig config)
    {
        _config = config;
        if (config.DoCenterCrop)
            (OutputHeight, OutputWidth) = (config.CropHeight, config.CropWidth);
        else if (config.DoResize && config.ShortestEdge is null)
            (OutputHeight, OutputWidth) = (config.ResizeHeight, config.ResizeWidth);
        else
            throw new FormatException("preprocessor config gives an output size that depends on the image (enable do_center_crop or resize to a fixed height and width)");
        _valueTable = BuildValueTable(config);
    }

    public int OutputHeight { get; }

    public int OutputWidth { get; }

    /// <summary>
    /// Reads the image processor of a Hugging Face model directory (<c>preprocessor_config.json</c>, or the
    /// <c>image_processor</c> in transformers 5's <c>processor_config.json</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The settings are missing.</exception>
    /// <exception cref="FormatException">The file is not valid JSON or holds unsupported settings.</exception>
    public static ClipImageProcessor Load(string modelDir) => ImageProcessorFiles.Read(modelDir, FromJson);

    /// <summary>Builds a processor from the JSON object of a preprocessor config.</summary>
    public static ClipImageProcessor FromJson(JsonElement config) => new(ClipImageProcessorConfig.Parse(config));

    /// <summary>The CLIP steps of another processor's settings (LLaVA-NeXT applies them to every crop).</summary>
    internal static ClipImageProcessor FromSettings(ClipImageProcessorConfig config) => new(config);

    /// <summary>
    /// Size after the resize step, before the crop, as HF's <c>get_resize_output_image_size</c> computes it: the
    /// short side becomes shortest_edge and the long side <c>int(shortest_edge * long / short)</c> (truncated).
    /// </summary>
    public (int Height, int Width) ResizedSize(int height, int width)
    {
        if (!_config.DoResize)
            return (height, width);
        if (_config.ShortestEdge is not int edge)
            return (_config.ResizeHeight, _config.ResizeWidth);
        bool portrait = width <= height;
        long shortSide = portrait ? width : height;
        long longSide = portrait ? height : width;
        // Python divides the exact integer product once, rounding to double; both operands are exact doubles.
        double scaledLong = (double)(edge * longSide) / shortSide;
        if (scaledLong > int.MaxValue)
            throw new ArgumentException($"a {width}x{height} image resized to shortest edge {edge} is too large");
        int newLong = (int)scaledLong;
        return portrait ? (newLong, edge) : (edge, newLong);
    }

    /// <summary>Returns pixel_values for one image: float32, CHW, length 3 * <see cref="OutputHeight"/> * <see cref="OutputWidth"/>.</summary>
    public float[] Preprocess(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (height, width) = ResizedSize(image.Height, image.Width);
        // HF crops at floor((size - crop) / 2); where the crop is larger than the image it pads with zeros,
        // which places the image at the same offset, so one formula covers both.
        int top = FloorHalf(height - OutputHeight);
        int left = FloorHalf(width - OutputWidth);
        var visible = Intersect(new PixelRegion(left, top, OutputWidth, OutputHeight), width, height);

        var resized = _config.DoResize
            ? PillowResampler.ResizeRegion(image, width, height, _config.Resample, visible)
            : RgbCrop.Crop(image, visible);
        return ToChannelsFirst(resized, visible.X - left, visible.Y - top);
    }

    private float[] ToChannelsFirst(DecodedImage visible, int offsetX, int offsetY)
    {
        int plane = OutputHeight * OutputWidth;
        var output = new float[Channels * plane];
        for (int c = 0; c < Channels; c++)
        {
            var table = _valueTable.AsSpan(c * 256, 256);
            output.AsSpan(c * plane, plane).Fill(table[0]);
            for (int y = 0; y < visible.Height; y++)
            {
                var source = visible.Rgb.AsSpan(y * visible.Width * Channels, visible.Width * Channels);
                var target = output.AsSpan(c * plane + (offsetY + y) * OutputWidth + offsetX, visible.Width);
                for (int x = 0; x < target.Length; x++)
                    target[x] = table[source[x * Channels + c]];
            }
        }

        return output;
    }

    private static float[] BuildValueTable(ClipImageProcessorConfig config)
    {
        var table = new float[Channels * 256];
        for (int c = 0; c < Channels; c++)
        {
            for (int v = 0; v < 256; v++)
            {
                // HF: image.astype(float64) * rescale_factor, cast to float32; then (x - mean) / std in float32.
                float x = config.DoRescale ? (float)(v * config.RescaleFactor) : v;
                if (config.DoNormalize)
                    x = (x - config.Mean[c]) / config.Std[c];
                table[c * 256 + v] = x;
            }
        }

        return table;
    }

    /// <summary>Python's <c>value // 2</c>: the arithmetic shift rounds toward negative infinity.</summary>
    private static int FloorHalf(int value) => value >> 1;

    private static PixelRegion Intersect(PixelRegion region, int width, int height)
    {
        int x0 = Math.Max(region.X, 0);
        int y0 = Math.Max(region.Y, 0);
        int x1 = Math.Min(region.X + region.Width, width);
        int y1 = Math.Min(region.Y + region.Height, height);
        return new PixelRegion(x0, y0, x1 - x0, y1 - y0);
    }
}
