using System.Text.Json;

namespace Llava.Engine.Imaging;

/// <summary>
/// The settings of a Hugging Face <c>CLIPImageProcessor</c> as read from <c>preprocessor_config.json</c>, with
/// its class defaults and its backward-compatible size forms (<c>get_size_dict</c>): an integer <c>size</c> is a
/// shortest edge, an integer <c>crop_size</c> a square, a two-element list is (height, width).
/// <c>do_convert_rgb</c> is not read: a <see cref="DecodedImage"/> is RGB already.
/// </summary>
internal sealed record ClipImageProcessorConfig(
    bool DoResize,
    int? ShortestEdge,
    int ResizeHeight,
    int ResizeWidth,
    ResampleFilter Resample,
    bool DoCenterCrop,
    int CropHeight,
    int CropWidth,
    bool DoRescale,
    double RescaleFactor,
    bool DoNormalize,
    float[] Mean,
    float[] Std)
{
    /// <param name="root">The settings object.</param>
    /// <param name="processorType">The <c>image_processor_type</c> the settings must name, if they name one (any
    /// suffix, such as transformers 5's <c>Fast</c> or <c>Pil</c>, is allowed).</param>
    public static ClipImageProcessorConfig Parse(JsonElement root, string processorType = "CLIPImageProcessor")
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException("preprocessor config must be a JSON object");
        if (Get(root, "image_processor_type") is { ValueKind: JsonValueKind.String } type
            && !type.GetString()!.StartsWith(processorType, StringComparison.Ordinal))
            throw new FormatException($"image_processor_type '{type.GetString()}' is not supported (expected {processorType})");

        var (shortestEdge, resizeHeight, resizeWidth) = ParseResizeSize(Get(root, "size"));
        var (cropHeight, cropWidth) = ParseCropSize(Get(root, "crop_size"));
        var config = new ClipImageProcessorConfig(
            DoResize: GetBool(root, "do_resize", true),
            ShortestEdge: shortestEdge,
            ResizeHeight: resizeHeight,
            ResizeWidth: resizeWidth,
            Resample: ParseResample(Get(root, "resample")),
            DoCenterCrop: GetBool(root, "do_center_crop", true),
            CropHeight: cropHeight,
            CropWidth: cropWidth,
            DoRescale: GetBool(root, "do_rescale", true),
            RescaleFactor: GetDouble(root, "rescale_factor", 1.0 / 255.0),
            DoNormalize: GetBool(root, "do_normalize", true),
            Mean: ParseChannelValues(Get(root, "image_mean"), "image_mean", ClipImageProcessor.OpenAiClipMean),
            Std: ParseChannelValues(Get(root, "image_std"), "image_std", ClipImageProcessor.OpenAiClipStd));
        if (config.DoNormalize && config.Std.Any(s => s == 0f))
            throw new FormatException("image_std must not contain zero");
        return config;
    }

    /// <summary>Absent and JSON null both mean "use the class default", as a None argument does in Python.</summary>
    internal static JsonElement? Get(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static bool GetBool(JsonElement root, string name, bool defaultValue) => Get(root, name) switch
    {
        null => defaultValue,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var other => throw new FormatException($"{name} must be true or false, got {other.Value.GetRawText()}"),
    };

    private static double GetDouble(JsonElement root, string name, double defaultValue)
    {
        if (Get(root, name) is not { } value)
            return defaultValue;
        if (value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()))
            throw new FormatException($"{name} must be a finite number, got {value.GetRawText()}");
        return value.GetDouble();
    }

    private static (int? ShortestEdge, int Height, int Width) ParseResizeSize(JsonElement? size)
    {
        switch (size)
        {
            case null:
                return (224, 0, 0);
            case { ValueKind: JsonValueKind.Number } edge:
                return (PositiveInt(edge, "size"), 0, 0);
            case { ValueKind: JsonValueKind.Array } pair:
                var (h, w) = ParsePair(pair, "size");
                return (null, h, w);
            case { ValueKind: JsonValueKind.Object } dict:
                var keys = dict.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
                // CLIPImageProcessor.resize reads shortest_edge alone; a longest_edge next to it is ignored there too.
                if (keys.SequenceEqual(["shortest_edge"]) || keys.SequenceEqual(["longest_edge", "shortest_edge"]))
                    return (PositiveInt(dict.GetProperty("shortest_edge"), "size.shortest_edge"), 0, 0);
                if (keys.SequenceEqual(["height", "width"]))
                    return (null, PositiveInt(dict.GetProperty("height"), "size.height"), PositiveInt(dict.GetProperty("width"), "size.width"));
                throw new FormatException($"size must have keys {{shortest_edge}} or {{height, width}}, got {dict.GetRawText()}");
            default:
                throw new FormatException($"size must be an integer, a [height, width] list or an object, got {size.Value.GetRawText()}");
        }
    }

    private static (int Height, int Width) ParseCropSize(JsonElement? size)
    {
        switch (size)
        {
            case null:
                return (224, 224);
            case { ValueKind: JsonValueKind.Number } side:
                int n = PositiveInt(side, "crop_size");
                return (n, n);
            case { ValueKind: JsonValueKind.Array } pair:
                return ParsePair(pair, "crop_size");
            case { ValueKind: JsonValueKind.Object } dict
                when dict.TryGetProperty("height", out var h) && dict.TryGetProperty("width", out var w) && dict.EnumerateObject().Count() == 2:
                return (PositiveInt(h, "crop_size.height"), PositiveInt(w, "crop_size.width"));
            default:
                throw new FormatException($"crop_size must be an integer, a [height, width] list or {{height, width}}, got {size.Value.GetRawText()}");
        }
    }

    private static (int Height, int Width) ParsePair(JsonElement pair, string name)
    {
        if (pair.GetArrayLength() != 2)
            throw new FormatException($"{name} list must be [height, width], got {pair.GetRawText()}");
        return (PositiveInt(pair[0], name + "[0]"), PositiveInt(pair[1], name + "[1]"));
    }

    internal static int PositiveInt(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int n) || n < 1)
            throw new FormatException($"{name} must be a positive integer, got {value.GetRawText()}");
        return n;
    }

    private static ResampleFilter ParseResample(JsonElement? value)
    {
        if (value is null)
            return ResampleFilter.Bicubic;
        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt32(out int n) || !Enum.IsDefined((ResampleFilter)n))
            throw new FormatException($"resample must be a Pillow filter number 0-5 (3 = BICUBIC), got {value.Value.GetRawText()}");
        return (ResampleFilter)n;
    }

    private static float[] ParseChannelValues(JsonElement? value, string name, IReadOnlyList<double> defaults)
    {
        // HF casts the Python floats to the image's float32 dtype before normalising.
        switch (value)
        {
            case null:
                return defaults.Select(v => (float)v).ToArray();
            case { ValueKind: JsonValueKind.Number } single:
                return Enumerable.Repeat((float)single.GetDouble(), 3).ToArray();
            case { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() == 3
                && list.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number):
                return list.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            default:
                throw new FormatException($"{name} must be a number or a list of 3 numbers, got {value.Value.GetRawText()}");
        }
    }
}
