using Llava.Engine.Imaging;

namespace Llava.Engine.Generation;

public sealed record EngineOptions
{
    /// <summary>A local folder in Hugging Face llava-hf layout.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The id clients use; defaults to the folder name.</summary>
    public string? ServedModelName { get; init; }

    public string Device { get; init; } = "cpu";
    public string DType { get; init; } = "float32";

    /// <summary>Context length; defaults to the checkpoint's max_position_embeddings.</summary>
    public int? MaxModelLength { get; init; }

    /// <summary>Sequences decoded together; each holds one KV-cache slot of MaxModelLength tokens.</summary>
    public int MaxRunningSequences { get; init; } = 8;

    /// <summary>Requests waiting for a slot before new ones are refused.</summary>
    public int MaxWaitingRequests { get; init; } = 64;

    public ImageLimits ImageLimits { get; init; } = new();
}
