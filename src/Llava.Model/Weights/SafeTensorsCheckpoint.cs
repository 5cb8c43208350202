using System.Text.Json;
using static TorchSharp.torch;

namespace Llava.Model.Weights;

/// <summary>
/// The safetensors weights of a model directory: one <c>model.safetensors</c>, or the shards listed by
/// <c>model.safetensors.index.json</c>'s <c>weight_map</c>. Only headers are read up front.
/// </summary>
public sealed class SafeTensorsCheckpoint : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly IReadOnlyList<SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _owners;

    private SafeTensorsCheckpoint(IReadOnlyList<SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> owners)
    {
        _files = files;
        _owners = owners;
    }

    public IEnumerable<string> TensorNames => _owners.Keys;

    public bool Contains(string name) => _owners.ContainsKey(name);

    public SafeTensorInfo Info(string name) => Owner(name).Tensors[name];

    /// <summary>Path of the file holding <paramref name="name"/>.</summary>
    public string FileOf(string name) => Owner(name).Path;

    /// <inheritdoc cref="SafeTensorsFile.CopyTo"/>
    public void CopyTo(string name, Tensor destination) => Owner(name).CopyTo(name, destination);

    /// <exception cref="ModelLoadException">No weights, a missing shard, or an index naming a tensor its shard lacks.</exception>
    public static SafeTensorsCheckpoint Open(string modelDir)
    {
        var indexPath = Path.Combine(modelDir, IndexFileName);
        if (File.Exists(indexPath)) return OpenSharded(modelDir, indexPath);
        var singlePath = Path.Combine(modelDir, SingleFileName);
        if (File.Exists(singlePath))
        {
            var file = SafeTensorsFile.Open(singlePath);
            return new SafeTensorsCheckpoint([file], file.Tensors.Keys.ToDictionary(name => name, _ => file));
        }
        var hint = Directory.Exists(modelDir) && Directory.EnumerateFiles(modelDir, "*.bin").Any()
            ? " (only PyTorch .bin weights are present; convert them to safetensors)"
            : "";
        throw new ModelLoadException(
            $"no weights in '{modelDir}': expected {SingleFileName} or {IndexFileName}{hint}");
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private SafeTensorsFile Owner(string name) =>
        _owners.TryGetValue(name, out var file)
            ? file
            : throw new ModelLoadException($"tensor '{name}' is not in the checkpoint");

    private static SafeTensorsCheckpoint OpenSharded(string modelDir, string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var files = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal))
            {
                var shardPath = Path.Combine(modelDir, shard);
                if (!File.Exists(shardPath))
                    throw new ModelLoadException($"{indexPath} names shard '{shard}', which is missing from '{modelDir}'");
                files[shard] = SafeTensorsFile.Open(shardPath);
            }
            var owners = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
            foreach (var (name, shard) in weightMap)
            {
                var file = files[shard];
                if (!file.Tensors.ContainsKey(name))
                    throw new ModelLoadException($"{indexPath} places tensor '{name}' in '{shard}', but that shard does not contain it");
                owners[name] = file;
            }
            return new SafeTensorsCheckpoint([.. files.Values], owners);
        }
        catch
        {
            foreach (var file in files.Values) file.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ModelLoadException($"{indexPath} has no 'weight_map' object");
            return map.EnumerateObject().ToDictionary(
                entry => entry.Name, entry => entry.Value.GetString() ?? "", StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new ModelLoadException($"{indexPath} is not a valid safetensors index: {e.Message}", e);
        }
    }
}
