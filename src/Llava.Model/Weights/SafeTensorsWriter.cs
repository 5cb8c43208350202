using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Llava.Model.Weights;

/// <summary>Writes tensors in the safetensors format, as one file or as shards with a Hugging Face index.</summary>
public static class SafeTensorsWriter
{
    private const long ChunkElements = 16L << 20;

    /// <summary>Writes <paramref name="tensors"/> (any device, any layout) to <paramref name="path"/> in the given order.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.ToList();
        var header = BuildHeader(entries, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor) in entries)
            WriteData(stream, tensor);
    }

    /// <summary>
    /// Writes shards of at most about <paramref name="maxShardBytes"/> each as
    /// <c>model-0000i-of-0000n.safetensors</c> plus <c>model.safetensors.index.json</c>; a single tensor larger
    /// than the limit gets a shard of its own. Returns the shard file names.
    /// </summary>
    public static IReadOnlyList<string> WriteSharded(string directory, IEnumerable<(string Name, Tensor Tensor)> tensors,
        long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var shards = new List<List<(string Name, Tensor Tensor)>> { new() };
        long shardBytes = 0, totalBytes = 0;
        foreach (var entry in tensors)
        {
            var bytes = entry.Tensor.numel() * entry.Tensor.ElementSize;
            if (shards[^1].Count > 0 && shardBytes + bytes > maxShardBytes)
            {
                shards.Add([]);
                shardBytes = 0;
            }
            shards[^1].Add(entry);
            shardBytes += bytes;
            totalBytes += bytes;
        }

        var names = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        {
            var fileName = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            Write(Path.Combine(directory, fileName), shards[i]);
            names.Add(fileName);
            foreach (var (name, _) in shards[i]) weightMap[name] = fileName;
        }
        var index = new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, long> { ["total_size"] = totalBytes },
            ["weight_map"] = weightMap,
        };
        File.WriteAllText(Path.Combine(directory, SafeTensorsCheckpoint.IndexFileName),
            JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }));
        return names;
    }

    private static byte[] BuildHeader(List<(string Name, Tensor Tensor)> entries, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                var bytes = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorsDType.FromScalarType(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var dim in tensor.shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // The format pads the header with spaces so that tensor data starts 8-byte aligned.
        var header = buffer.ToArray();
        var padded = (header.Length + 7) / 8 * 8;
        return [.. header, .. Encoding.ASCII.GetBytes(new string(' ', padded - header.Length))];
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        using var cpu = tensor.detach().to(CPU).contiguous();
        using var flat = cpu.view(-1);
        var total = flat.numel();
        for (long start = 0; start < total; start += ChunkElements)
        {
            using var part = flat.narrow(0, start, Math.Min(ChunkElements, total - start));
            stream.Write(part.bytes);
        }
    }
}
