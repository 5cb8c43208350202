using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model.Weights;

/// <summary>
/// An open safetensors file: an 8-byte little-endian header length, a JSON header
/// (<c>name → {dtype, shape, data_offsets}</c>), then raw little-endian tensor data. Tensors are read with positional
/// reads in bounded chunks — straight into the destination when the dtypes match, else into one staging buffer per
/// dtype that lives as long as the file — so a load touches each page of the model once. A memory mapping read the
/// same bytes through one page fault per 4 KiB and a fresh staging tensor per chunk: 7B-layout loads spent more
/// time in the kernel than in the dtype conversion.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    /// <summary>Bytes read and converted at a time: bounds the extra memory a load needs beyond the model itself.</summary>
    private const long ChunkBytes = 64L << 20;

    private const long MaxHeaderBytes = 100L << 20;

    private readonly SafeFileHandle _file;
    private readonly Dictionary<ScalarType, Tensor> _staging = [];

    private SafeTensorsFile(string path, SafeFileHandle file, IReadOnlyDictionary<string, SafeTensorInfo> tensors,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _file = file;
        Tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> strings (e.g. <c>format: pt</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <exception cref="ModelLoadException">The file is missing, truncated or has a malformed header.</exception>
    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new ModelLoadException($"safetensors file '{path}' not found");
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        try
        {
            var (tensors, metadata) = ReadHeader(file, path);
            return new SafeTensorsFile(path, file, tensors, metadata);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies tensor <paramref name="name"/> into <paramref name="destination"/> (contiguous, same element count,
    /// any loadable dtype, any device), converting dtype and moving to the device one chunk at a time.
    /// </summary>
    /// <exception cref="ModelLoadException">The tensor is absent, has an unloadable dtype, or the element counts differ.</exception>
    public void CopyTo(string name, Tensor destination)
    {
        var info = Require(name);
        var sourceType = SafeTensorsDType.ToScalarType(info.DType)
            ?? throw new ModelLoadException(
                $"tensor '{name}' in '{Path}' has dtype {info.DType}; supported: {SafeTensorsDType.LoadableNames}");
        if (destination.numel() != info.ElementCount)
            throw new ModelLoadException(
                $"tensor '{name}' in '{Path}' has {info.ElementCount} elements, destination has {destination.numel()}");
        if (!destination.is_contiguous())
            throw new ArgumentException("destination must be contiguous", nameof(destination));

        var elementSize = (long)SafeTensorsDType.ElementSize(info.DType)!;
        var direct = destination.device_type == DeviceType.CPU && destination.dtype == sourceType;
        var chunkElements = ChunkBytes / elementSize;
        using var noGrad = no_grad();
        using var flat = destination.view(-1);
        var staging = direct ? null : Staging(sourceType, chunkElements);
        for (long start = 0; start < info.ElementCount; start += chunkElements)
        {
            var count = Math.Min(chunkElements, info.ElementCount - start);
            using var target = flat.narrow(0, start, count);
            if (staging is null)
            {
                ReadExactly(info.Offset + start * elementSize, target.bytes, name);
                continue;
            }
            using var source = staging.narrow(0, 0, count);
            ReadExactly(info.Offset + start * elementSize, source.bytes, name);
            target.copy_(source);
        }
    }

    /// <summary>Reads a tensor into a new CPU tensor of its stored dtype.</summary>
    public Tensor Read(string name)
    {
        var info = Require(name);
        var type = SafeTensorsDType.ToScalarType(info.DType)
            ?? throw new ModelLoadException(
                $"tensor '{name}' in '{Path}' has dtype {info.DType}; supported: {SafeTensorsDType.LoadableNames}");
        var result = empty(info.Shape, type);
        try
        {
            CopyTo(name, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var buffer in _staging.Values) buffer.Dispose();
        _staging.Clear();
        _file.Dispose();
    }

    private Tensor Staging(ScalarType type, long elements)
    {
        if (!_staging.TryGetValue(type, out var buffer))
            _staging[type] = buffer = empty(elements, type).DetachFromDisposeScope();
        return buffer;
    }

    private void ReadExactly(long offset, Span<byte> destination, string name)
    {
        if (ReadAt(_file, destination, offset) < destination.Length)
            throw new ModelLoadException($"tensor '{name}' in '{Path}' ends past the end of the file");
    }

    private SafeTensorInfo Require(string name) =>
        Tensors.TryGetValue(name, out var info)
            ? info
            : throw new ModelLoadException($"tensor '{name}' not found in '{Path}'");

    private static (Dictionary<string, SafeTensorInfo>, Dictionary<string, string>) ReadHeader(SafeFileHandle file, string path)
    {
        var fileLength = RandomAccess.GetLength(file);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (ReadAt(file, lengthBytes, 0) < 8)
            throw new ModelLoadException($"'{path}' is not a safetensors file: shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new ModelLoadException(
                $"'{path}' is not a safetensors file: header length {headerLength} does not fit a {fileLength}-byte file");
        var header = new byte[headerLength];
        if (ReadAt(file, header, 8) < header.Length)
            throw new ModelLoadException($"'{path}' is not a safetensors file: its header ends early");
        var dataStart = 8 + (long)headerLength;

        try
        {
            return ParseHeader(header, dataStart, fileLength, path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new ModelLoadException($"'{path}' has a malformed safetensors header: {e.Message}", e);
        }
    }

    /// <returns>The bytes read, fewer than asked only at the end of the file.</returns>
    private static int ReadAt(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(file, buffer[total..], offset + total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    private static (Dictionary<string, SafeTensorInfo>, Dictionary<string, string>) ParseHeader(
        byte[] header, long dataStart, long fileLength, string path)
    {
        using var document = JsonDocument.Parse(header);
        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                foreach (var entry in property.Value.EnumerateObject())
                    metadata[entry.Name] = entry.Value.GetString() ?? "";
                continue;
            }
            var dtype = property.Value.GetProperty("dtype").GetString() ?? "";
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || dataStart + offsets[1] > fileLength)
                throw new ModelLoadException(
                    $"'{path}': tensor '{property.Name}' has data offsets [{string.Join(", ", offsets)}] outside the file (truncated download?)");
            var info = new SafeTensorInfo(property.Name, dtype, shape, dataStart + offsets[0], offsets[1] - offsets[0]);
            if (SafeTensorsDType.ElementSize(dtype) is { } size && info.ElementCount * size != info.ByteLength)
                throw new ModelLoadException(
                    $"'{path}': tensor '{property.Name}' ({dtype} {info.ShapeText}) needs {info.ElementCount * size} bytes but its offsets span {info.ByteLength}");
            tensors[property.Name] = info;
        }
        return (tensors, metadata);
    }
}
