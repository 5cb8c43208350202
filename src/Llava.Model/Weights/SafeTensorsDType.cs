using static TorchSharp.torch;

namespace Llava.Model.Weights;

/// <summary>safetensors dtype names, their element sizes, and the ones this project reads into modules.</summary>
public static class SafeTensorsDType
{
    private static readonly Dictionary<string, int> ElementSizes = new()
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
        ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
    };

    private static readonly Dictionary<string, ScalarType> Loadable = new()
    {
        ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
    };

    public const string LoadableNames = "F32, F16, BF16";

    /// <summary>Bytes per element, or null for a dtype name safetensors does not define.</summary>
    public static int? ElementSize(string dtype) => ElementSizes.TryGetValue(dtype, out var size) ? size : null;

    /// <summary>The torch type of a dtype that can be loaded into module parameters, or null.</summary>
    public static ScalarType? ToScalarType(string dtype) => Loadable.TryGetValue(dtype, out var type) ? type : null;

    /// <exception cref="ArgumentException">The tensor type has no safetensors writer mapping here.</exception>
    public static string FromScalarType(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"tensor dtype {type} cannot be written to safetensors", nameof(type)),
    };
}
