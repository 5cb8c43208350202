using Llava.Model.Config;
using Llava.Model.Layers;
using Llava.Model.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>
/// Loads a Hugging Face llava-hf model directory. Everything that can be checked without touching weight data is
/// checked first (config, files, every tensor's presence, shape and dtype); then parameters are created
/// uninitialised on the target device and each tensor is copied straight from the memory-mapped file into its
/// parameter, so peak memory stays near one copy of the model.
/// </summary>
/// <remarks>
/// Checkpoint keys the model has no parameter for are rejected, because they mean the config and the weights
/// describe different models (more layers than configured, a LLaVA-NeXT <c>image_newline</c>, …). The only
/// exceptions are derived buffers (<see cref="WeightNames.IsDerivedBuffer"/>). The output head is tied to the
/// token embeddings when the checkpoint has no <c>lm_head</c> and either config sets <c>tie_word_embeddings</c>.
/// </remarks>
public static class LlavaModelLoader
{
    /// <inheritdoc cref="LlavaForConditionalGeneration.FromPretrained"/>
    public static LlavaForConditionalGeneration Load(string modelDir, ModelOptions options)
    {
        var device = ModelOptions.ParseDevice(options.Device);
        if (!Directory.Exists(modelDir))
            throw new ModelLoadException($"model directory '{modelDir}' does not exist");
        var config = LlavaConfig.Load(modelDir);
        ModelOptions.ParseDType(options.DType, config.CheckpointDtype, device);
        RequireDeviceAvailable(device, options.Device);

        using var checkpoint = SafeTensorsCheckpoint.Open(modelDir);
        var sources = MapCheckpointNames(checkpoint, modelDir);
        var tie = !sources.ContainsKey(WeightNames.OutputHead)
                  && (config.TieWordEmbeddings || config.Text.TieWordEmbeddings);
        var precision = ModelPrecision.Resolve(options.DType, config.CheckpointDtype, device,
            options.HalfPrecision ?? CpuHalfPrecision.Detect(),
            sources.Values.Sum(key => checkpoint.Info(key).ElementCount), WeightMemoryBytes());
        if (options.FewRowKernel && device.type == DeviceType.CPU && FewRowMatmul.IsSupported)
            precision = precision.WithFewRowKernel(FewRowMatmul.VectorName);

        var model = new LlavaForConditionalGeneration(config, device, precision, tie);
        try
        {
            var targets = model.named_parameters()
                .Where(p => !(tie && p.name == WeightNames.OutputHead))
                .ToDictionary(p => p.name, p => p.parameter);
            CheckAgainstModel(checkpoint, sources, targets, modelDir);
            foreach (var (name, parameter) in targets)
                checkpoint.CopyTo(sources[name], parameter);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What the weights may take: three quarters of the memory this process may use (the machine's, or its
    /// container's limit), leaving the rest to the KV cache, activations and the runtime.
    /// </summary>
    private static long WeightMemoryBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;

    private static void RequireDeviceAvailable(Device device, string requested)
    {
        if (device.type != DeviceType.CUDA) return;
        if (!cuda.is_available())
            throw new ArgumentException(
                $"device '{requested}' requested but CUDA is not available (build with TorchBackend=cuda on a machine with a GPU)");
        if (device.index >= cuda.device_count())
            throw new ArgumentException($"device '{requested}' requested but only {cuda.device_count()} CUDA device(s) exist");
    }

    /// <summary>Parameter name → checkpoint key, after dropping derived buffers.</summary>
    private static Dictionary<string, string> MapCheckpointNames(SafeTensorsCheckpoint checkpoint, string modelDir)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var key in checkpoint.TensorNames.Order(StringComparer.Ordinal))
        {
            if (WeightNames.IsDerivedBuffer(key)) continue;
            var name = WeightNames.ToParameterName(key);
            if (name is null)
            {
                unknown.Add(key);
                continue;
            }
            if (!sources.TryAdd(name, key))
                throw new ModelLoadException(
                    $"checkpoint in '{modelDir}' holds '{name}' twice: as '{sources[name]}' ({checkpoint.FileOf(sources[name])}) and '{key}' ({checkpoint.FileOf(key)})");
        }
        if (unknown.Count > 0)
            throw UnexpectedTensors(unknown, checkpoint, modelDir);
        return sources;
    }

    private static void CheckAgainstModel(SafeTensorsCheckpoint checkpoint, Dictionary<string, string> sources,
        Dictionary<string, TorchSharp.Modules.Parameter> targets, string modelDir)
    {
        var missing = targets.Keys.Where(name => !sources.ContainsKey(name)).ToList();
        if (missing.Count > 0)
            throw new ModelLoadException(
                $"the weights in '{modelDir}' lack {missing.Count} tensor(s) that {LlavaConfig.FileName} requires: " +
                Preview(missing));

        var unexpected = sources.Keys.Where(name => !targets.ContainsKey(name)).Select(name => sources[name]).ToList();
        if (unexpected.Count > 0)
            throw UnexpectedTensors(unexpected, checkpoint, modelDir);

        foreach (var (name, parameter) in targets)
        {
            var info = checkpoint.Info(sources[name]);
            if (!info.Shape.SequenceEqual(parameter.shape))
                throw new ModelLoadException(
                    $"tensor '{info.Name}' in '{checkpoint.FileOf(info.Name)}' has shape {info.ShapeText}, but " +
                    $"{LlavaConfig.FileName} implies {SafeTensorInfo.FormatShape(parameter.shape)}");
            if (SafeTensorsDType.ToScalarType(info.DType) is null)
                throw new ModelLoadException(
                    $"tensor '{info.Name}' in '{checkpoint.FileOf(info.Name)}' has dtype {info.DType}; " +
                    $"supported: {SafeTensorsDType.LoadableNames}");
        }
    }

    private static ModelLoadException UnexpectedTensors(List<string> keys, SafeTensorsCheckpoint checkpoint, string modelDir)
    {
        return new ModelLoadException(
            $"the weights in '{modelDir}' hold {keys.Count} tensor(s) this LLaVA configuration has no place for " +
            $"(a different architecture, or {LlavaConfig.FileName} does not match the weights), e.g. " +
            $"'{keys[0]}' in '{checkpoint.FileOf(keys[0])}'; all: {Preview(keys)}");
    }

    private static string Preview(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(8)) + (names.Count > 8 ? $", … ({names.Count - 8} more)" : "");
}
