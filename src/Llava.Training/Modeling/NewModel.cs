using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Imaging;
using Llava.Engine.Tokenization;
using Llava.Model;
using Llava.Model.Config;
using static TorchSharp.torch;

namespace Llava.Training.Modeling;

/// <summary>
/// Creates a randomly initialised, servable model folder from a llava-hf <c>config.json</c> and a tokenizer folder:
/// the starting point of the training stages.
/// </summary>
public static class NewModel
{
    /// <param name="neighbourAttentionLayers">How many of the vision tower's first layers start as convolutions over the
    /// patch grid (<see cref="NeighbourAttention"/>); 0 for the plain random start.</param>
    /// <exception cref="InvalidDataException">The tokenizer does not fit the config.</exception>
    public static void Create(string configPath, string tokenizerDir, string outDir, int seed, int neighbourAttentionLayers = 0)
    {
        var configJson = File.ReadAllText(configPath);
        var config = LlavaConfig.Parse(configJson, configPath);
        var tokenizer = LlavaTokenizer.Load(tokenizerDir);
        if (tokenizer.ImageTokenId != config.ImageTokenIdResolved)
            throw new InvalidDataException(
                $"the tokenizer's <image> id is {tokenizer.ImageTokenId?.ToString() ?? "missing"} but {configPath} says {config.ImageTokenIdResolved}");
        if (tokenizer.VocabularySize > config.Text.VocabSize)
            throw new InvalidDataException(
                $"the tokenizer has {tokenizer.VocabularySize} tokens but text_config.vocab_size is {config.Text.VocabSize}");

        Directory.CreateDirectory(outDir);
        foreach (var file in Directory.EnumerateFiles(tokenizerDir))
            File.Copy(file, Path.Combine(outDir, Path.GetFileName(file)), overwrite: true);
        File.WriteAllText(Path.Combine(outDir, LlavaConfig.FileName), configJson);
        WriteJson(Path.Combine(outDir, "preprocessor_config.json"), Preprocessor(config.Vision.ImageSize));
        WriteJson(Path.Combine(outDir, "processor_config.json"), new JsonObject
        {
            ["image_token"] = "<image>",
            ["num_additional_image_tokens"] = 1,
            ["patch_size"] = config.Vision.PatchSize,
            ["processor_class"] = "LlavaProcessor",
            ["vision_feature_select_strategy"] = config.VisionFeatureSelectStrategy,
        });
        WriteJson(Path.Combine(outDir, "generation_config.json"), new JsonObject
        {
            ["bos_token_id"] = tokenizer.BosTokenId,
            ["eos_token_id"] = tokenizer.EosTokenId,
            ["pad_token_id"] = tokenizer.PadTokenId,
        });

        manual_seed(seed);
        using var model = new LlavaForConditionalGeneration(config, CPU, ScalarType.Float32,
            config.TieWordEmbeddings || config.Text.TieWordEmbeddings);
        ParameterInitializer.Initialize(model);
        if (neighbourAttentionLayers > 0)
            NeighbourAttention.Initialize(model.vision_tower.vision_model, config.Vision, neighbourAttentionLayers);
        ModelFolder.Save(model, outDir, outDir);
    }

    /// <summary>CLIPImageProcessor settings for square inputs of the tower's size: resize and crop are identities.</summary>
    private static JsonObject Preprocessor(int imageSize) => new()
    {
        ["crop_size"] = new JsonObject { ["height"] = imageSize, ["width"] = imageSize },
        ["do_center_crop"] = true,
        ["do_convert_rgb"] = true,
        ["do_normalize"] = true,
        ["do_rescale"] = true,
        ["do_resize"] = true,
        ["image_mean"] = new JsonArray([.. ClipImageProcessor.OpenAiClipMean.Select(v => JsonValue.Create(v))]),
        ["image_processor_type"] = "CLIPImageProcessor",
        ["image_std"] = new JsonArray([.. ClipImageProcessor.OpenAiClipStd.Select(v => JsonValue.Create(v))]),
        ["processor_class"] = "LlavaProcessor",
        ["resample"] = 3,
        ["rescale_factor"] = 1 / 255.0,
        ["size"] = new JsonObject { ["shortest_edge"] = imageSize },
    };

    private static void WriteJson(string path, JsonNode node) =>
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
