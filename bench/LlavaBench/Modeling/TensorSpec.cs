namespace LlavaBench.Modeling;

/// <summary>A checkpoint tensor to be written: its key and shape.</summary>
public sealed record TensorSpec(string Name, long[] Shape)
{
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);
}
