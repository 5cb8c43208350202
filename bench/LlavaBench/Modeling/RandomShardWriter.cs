using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Model.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace LlavaBench.Modeling;

/// <summary>
/// Writes a <see cref="ShardPlan"/> as safetensors files of random weights plus the index. Each shard's header is
/// written first (shapes are known), then the values are generated and written a slice at a time, so memory
/// stays at one slice whatever the checkpoint's size. Weights follow the usual initialisation (normal, std
/// 0.02; norm weights 1; biases 0), so activations keep sensible magnitudes through the stack.
/// </summary>
public static class RandomShardWriter
{
    /// <summary>At most this many values exist at once (64 MB in float32).</summary>
    private const long SliceElements = 16L << 20;

    private static readonly Scalar InitStd = 0.02f.ToScalar();

    public static void Write(string directory, ShardPlan plan, ScalarType dtype, ulong seed, TextWriter log)
    {
        var dtypeName = SafeTensorsDType.FromScalarType(dtype);
        if (SafeTensorsDType.ElementSize(dtypeName) != plan.ElementBytes)
            throw new ArgumentException($"the plan counts {plan.ElementBytes} bytes per value, {dtypeName} has {SafeTensorsDType.ElementSize(dtypeName)}");
        using var generator = new Generator(seed);
        foreach (var shard in plan.Shards)
        {
            WriteShard(Path.Combine(directory, shard.FileName), shard.Tensors, dtype, dtypeName, plan.ElementBytes, generator);
            log.WriteLine($"  wrote {shard.FileName} ({shard.Tensors.Count} tensors, {shard.Tensors.Sum(t => t.Elements) * plan.ElementBytes / 1e9:F2} GB)");
        }
        File.WriteAllText(Path.Combine(directory, SafeTensorsCheckpoint.IndexFileName),
            plan.ToIndexJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void WriteShard(string path, IReadOnlyList<TensorSpec> tensors, ScalarType dtype, string dtypeName, int elementBytes,
        Generator generator)
    {
        var header = Header(tensors, dtypeName, elementBytes);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in tensors)
        {
            var rows = tensor.Shape[0];
            var rowsPerSlice = Math.Max(1, SliceElements * rows / tensor.Elements);
            for (long row = 0; row < rows; row += rowsPerSlice)
            {
                using var scope = NewDisposeScope();
                long[] shape = [Math.Min(rowsPerSlice, rows - row), .. tensor.Shape.Skip(1)];
                stream.Write(Initial(tensor.Name, shape, generator).to(dtype).contiguous().bytes);
            }
        }
    }

    /// <summary>The safetensors header: JSON of each tensor's dtype, shape and byte range, padded with spaces to 8 bytes.</summary>
    private static byte[] Header(IReadOnlyList<TensorSpec> tensors, string dtypeName, int elementBytes)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var tensor in tensors)
        {
            var end = offset + tensor.Elements * elementBytes;
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = dtypeName,
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        return [.. json, .. Enumerable.Repeat((byte)' ', (8 - json.Length % 8) % 8)];
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
}
