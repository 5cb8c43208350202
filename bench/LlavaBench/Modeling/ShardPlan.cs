using System.Text.Json.Nodes;

namespace LlavaBench.Modeling;

/// <summary>One <c>model-0000i-of-0000n.safetensors</c> file and the tensors it holds, in order.</summary>
public sealed record Shard(string FileName, IReadOnlyList<TensorSpec> Tensors);

/// <summary>
/// How tensors are split into shards, as transformers' <c>save_pretrained</c> splits a state dict: in order, a new
/// shard whenever the next tensor would push the current one past the limit (a tensor larger than the limit gets a
/// shard of its own); files named <c>model-{i:05}-of-{n:05}.safetensors</c>; an index whose <c>weight_map</c> is
/// sorted by key and whose <c>total_size</c> counts the tensors' bytes.
/// </summary>
public sealed record ShardPlan(IReadOnlyList<Shard> Shards, int ElementBytes)
{
    public static ShardPlan Of(IReadOnlyList<TensorSpec> tensors, int elementBytes, long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var groups = new List<List<TensorSpec>> { new() };
        long shardBytes = 0;
        foreach (var tensor in tensors)
        {
            var bytes = tensor.Elements * elementBytes;
            if (groups[^1].Count > 0 && shardBytes + bytes > maxShardBytes)
            {
                groups.Add([]);
                shardBytes = 0;
            }
            groups[^1].Add(tensor);
            shardBytes += bytes;
        }
        var shards = groups.Select((group, i) => new Shard($"model-{i + 1:D5}-of-{groups.Count:D5}.safetensors", group)).ToList();
        return new ShardPlan(shards, elementBytes);
    }

    public long TotalBytes => Shards.Sum(s => s.Tensors.Sum(t => t.Elements)) * ElementBytes;

    public long ParameterCount => Shards.Sum(s => s.Tensors.Sum(t => t.Elements));

    /// <summary><c>model.safetensors.index.json</c>.</summary>
    public JsonObject ToIndexJson()
    {
        var weightMap = Shards.SelectMany(s => s.Tensors.Select(t => (t.Name, s.FileName))).OrderBy(e => e.Name, StringComparer.Ordinal);
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = TotalBytes },
            ["weight_map"] = new JsonObject(weightMap.Select(e => KeyValuePair.Create(e.Name, (JsonNode?)e.FileName))),
        };
    }
}
