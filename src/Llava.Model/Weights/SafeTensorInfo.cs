namespace Llava.Model.Weights;

/// <summary>One header entry of a safetensors file; <paramref name="Offset"/> is absolute within the file.</summary>
public sealed record SafeTensorInfo(string Name, string DType, long[] Shape, long Offset, long ByteLength)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dim) => product * dim);

    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
