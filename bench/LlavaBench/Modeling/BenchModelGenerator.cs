using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Model;
using Llava.Model.Config;
using static TorchSharp.torch;

namespace LlavaBench.Modeling;

/// <summary>
/// Writes a random-weight LLaVA checkpoint in the Hugging Face llava-hf layout: config, float32 safetensors shards
/// with an index (<see cref="RandomShardWriter"/>), the tokenizer and chat template of a source model, a CLIP
/// preprocessor config and a generation config.
/// </summary>
public static class BenchModelGenerator
{
    public const string MarkerFileName = ModelMarker.FileName;

    /// <summary>Tokenizer and template files taken verbatim from the source model.</summary>
    public static readonly string[] TokenizerFiles =
    [
        "tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "chat_template.json", "processor_config.json",
    ];

    /// <summary>Small shards keep generation's memory low; the 32064-row embedding (~98 MB) gets a shard of its own.</summary>
    private const long ShardBytes = 100L << 20;

    /// <summary>
    /// Returns the model in <paramref name="directory"/> when its marker says it was generated from the same
    /// spec; otherwise writes it (overwriting the files it owns) and writes the marker last.
    /// </summary>
    public static GeneratedModel Ensure(string directory, BenchModelSpec spec, string tokenizerSource, TextWriter log)
    {
        if (ReadMarker(directory) is { } existing && existing.Spec == spec)
            return existing with { Path = Path.GetFullPath(directory) };
        return Generate(directory, spec, tokenizerSource, log);
    }

    public static GeneratedModel Generate(string directory, BenchModelSpec spec, string tokenizerSource, TextWriter log)
    {
        WriteSideFiles(directory, spec.ToConfigJson(), BenchModelSpec.PreprocessorJson(spec.ImageSize), tokenizerSource);
        var plan = ShardPlan.Of(ParameterShapes(directory), sizeof(float), ShardBytes);
        log.WriteLine($"generating a {plan.ParameterCount / 1e6:F1}M-parameter random LLaVA checkpoint in {directory} …");
        RandomShardWriter.Write(directory, plan, ScalarType.Float32, spec.Seed, log);

        var model = new GeneratedModel(Path.GetFullPath(directory), spec, plan.ParameterCount);
        ModelMarker.Write(directory, model);
        return model;
    }

    /// <summary>The marker of a previously generated model, or null when there is none or it is unreadable.</summary>
    public static GeneratedModel? ReadMarker(string directory) => ModelMarker.Read<GeneratedModel>(directory);

    /// <summary>
    /// Everything but the weights: drops the marker (the folder is incomplete until it is written again), then
    /// writes the tokenizer files, <paramref name="config"/>, <paramref name="preprocessor"/> and the generation config.
    /// </summary>
    public static void WriteSideFiles(string directory, JsonObject config, JsonObject preprocessor, string tokenizerSource)
    {
        Directory.CreateDirectory(directory);
        ModelMarker.Delete(directory);
        foreach (var file in TokenizerFiles)
            File.Copy(Path.Combine(tokenizerSource, file), Path.Combine(directory, file), overwrite: true);
        WriteJson(directory, LlavaConfig.FileName, config);
        WriteJson(directory, "preprocessor_config.json", preprocessor);
        WriteJson(directory, "generation_config.json", BenchModelSpec.GenerationConfigJson());
    }

    /// <summary>
    /// Names and shapes of every parameter the loader will ask for, taken from the model itself built on the
    /// config just written. Its parameters are uninitialised CPU tensors, which stay unallocated pages, so this
    /// costs no memory.
    /// </summary>
    private static List<TensorSpec> ParameterShapes(string directory)
    {
        var config = LlavaConfig.Load(directory);
        using var skeleton = new LlavaForConditionalGeneration(config, CPU, ScalarType.Float32);
        return skeleton.named_parameters().Select(p => new TensorSpec(p.name, p.parameter.shape)).ToList();
    }

    private static void WriteJson(string directory, string fileName, JsonNode json) =>
        File.WriteAllText(Path.Combine(directory, fileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
