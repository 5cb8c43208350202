using System.Text.Json;

namespace Llava.Engine.Imaging;

/// <summary>
/// Finds a checkpoint's image-processor settings: <c>preprocessor_config.json</c> as transformers 4 and the
/// llava-hf repositories have it, else the <c>image_processor</c> object transformers 5's <c>save_pretrained</c>
/// nests inside <c>processor_config.json</c>.
/// </summary>
internal static class ImageProcessorFiles
{
    public const string PreprocessorConfig = "preprocessor_config.json";
    public const string ProcessorConfig = "processor_config.json";

    /// <summary>Parses the settings with <paramref name="parse"/>; errors name the file they came from.</summary>
    /// <exception cref="FileNotFoundException">Neither file holds image-processor settings.</exception>
    /// <exception cref="FormatException">The file is not valid JSON or holds unsupported settings.</exception>
    public static T Read<T>(string modelDir, Func<JsonElement, T> parse)
    {
        var preprocessor = Path.Combine(modelDir, PreprocessorConfig);
        var processor = Path.Combine(modelDir, ProcessorConfig);
        var path = File.Exists(preprocessor) ? preprocessor : processor;
        if (!File.Exists(path))
            throw new FileNotFoundException($"{PreprocessorConfig} not found in {modelDir} (nor {ProcessorConfig})", preprocessor);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (path == preprocessor)
                return parse(document.RootElement);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("image_processor", out var nested))
                throw new FileNotFoundException(
                    $"{PreprocessorConfig} not found in {modelDir}, and {ProcessorConfig} has no image_processor settings", preprocessor);
            return parse(nested);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"invalid {path}: {e.Message}", e);
        }
    }
}
