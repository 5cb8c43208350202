using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Model;
using Llava.Model.Config;
using Llava.Model.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace LlavaBench.Modeling;

/// <summary>
/// Writes a random-weight LLaVA checkpoint in the Hugging Face llava-hf layout: config, float32 safetensors shards
/// with an index, the tokenizer and chat template of a source model, a CLIP preprocessor config and a generation
/// config. Weights follow the usual initialisation (normal, std 0.02; norm weights 1; biases 0), so activations
/// keep sensible magnitudes through the stack.
/// </summary>
public static class BenchModelGenerator
{
    public const string MarkerFileName = "bench-model.json";

    /// <summary>Tokenizer and template files taken verbatim from the source model.</summary>
    public static readonly string[] TokenizerFiles =
    [
        "tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "chat_template.json", "processor_config.json",
    ];

    private static readonly Scalar InitStd = 0.02f.ToScalar();

    /// <summary>
    /// Shards keep memory low: only one shard's tensors exist at a time. The largest single tensor (the
    /// 32064-row embedding, ~98 MB in float32) gets a shard of its own.
    /// </summary>
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
        Directory.CreateDirectory(directory);
        File.Delete(Path.Combine(directory, MarkerFileName));
        foreach (var file in TokenizerFiles)
            File.Copy(Path.Combine(tokenizerSource, file), Path.Combine(directory, file), overwrite: true);
        WriteJson(directory, LlavaConfig.FileName, spec.ToConfigJson());
        WriteJson(directory, "preprocessor_config.json", spec.ToPreprocessorJson());
        WriteJson(directory, "generation_config.json", BenchModelSpec.GenerationConfigJson());

        var tensors = ParameterShapes(directory);
        var parameterCount = tensors.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        log.WriteLine($"generating a {parameterCount / 1e6:F1}M-parameter random LLaVA checkpoint in {directory} …");
        WriteShards(directory, tensors, spec.Seed, log);

        var model = new GeneratedModel(Path.GetFullPath(directory), spec, parameterCount);
        File.WriteAllText(Path.Combine(directory, MarkerFileName), JsonSerializer.Serialize(model));
        return model;
    }

    /// <summary>The marker of a previously generated model, or null when there is none or it is unreadable.</summary>
    public static GeneratedModel? ReadMarker(string directory)
    {
        var path = Path.Combine(directory, MarkerFileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<GeneratedModel>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Names and shapes of every parameter the loader will ask for, taken from the model itself built on the
    /// config just written. Its parameters are uninitialised CPU tensors, which stay unallocated pages, so this
    /// costs no memory.
    /// </summary>
    private static List<(string Name, long[] Shape)> ParameterShapes(string directory)
    {
        var config = LlavaConfig.Load(directory);
        using var skeleton = new LlavaForConditionalGeneration(config, CPU, ScalarType.Float32);
        return skeleton.named_parameters().Select(p => (p.name, p.parameter.shape)).ToList();
    }

    private static void WriteShards(string directory, List<(string Name, long[] Shape)> tensors, ulong seed, TextWriter log)
    {
        var shards = new List<List<(string Name, long[] Shape)>> { new() };
        long shardBytes = 0, totalBytes = 0;
        foreach (var tensor in tensors)
        {
            var bytes = tensor.Shape.Aggregate(4L, (a, b) => a * b);
            if (shards[^1].Count > 0 && shardBytes + bytes > ShardBytes)
            {
                shards.Add([]);
                shardBytes = 0;
            }
            shards[^1].Add(tensor);
            shardBytes += bytes;
            totalBytes += bytes;
        }

        using var generator = new Generator(seed);
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        {
            var fileName = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            using (var scope = NewDisposeScope())
            {
                SafeTensorsWriter.Write(Path.Combine(directory, fileName),
                    shards[i].Select(t => (t.Name, Initial(t.Name, t.Shape, generator))));
            }
            foreach (var (name, _) in shards[i]) weightMap[name] = fileName;
            log.WriteLine($"  wrote {fileName} ({shards[i].Count} tensors)");
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = totalBytes },
            ["weight_map"] = new JsonObject(weightMap.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
        };
        WriteJson(directory, SafeTensorsCheckpoint.IndexFileName, index);
    }

    private static Tensor Initial(string name, long[] shape, Generator generator)
    {
        if (name.EndsWith(".bias", StringComparison.Ordinal)) return zeros(shape);
        if (IsNormWeight(name, shape)) return ones(shape);
        return randn(shape, generator: generator).mul_(InitStd);
    }

    /// <summary>LayerNorm / RMSNorm scales (<c>input_layernorm</c>, <c>layer_norm1</c>, CLIP's <c>pre_layrnorm</c>, …).</summary>
    private static bool IsNormWeight(string name, long[] shape) =>
        shape.Length == 1 && name.EndsWith(".weight", StringComparison.Ordinal)
        && name.Split('.')[^2].Contains("norm", StringComparison.Ordinal);

    private static void WriteJson(string directory, string fileName, JsonNode json) =>
        File.WriteAllText(Path.Combine(directory, fileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
