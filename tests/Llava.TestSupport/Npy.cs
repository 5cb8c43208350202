using System.Text;
using System.Text.RegularExpressions;

namespace Llava.TestSupport;

/// <summary>Reads NumPy .npy files (little-endian, C order) as written by the reference generator.</summary>
public sealed record NpyArray(string Dtype, int[] Shape, byte[] Data)
{
    public float[] AsFloat32()
    {
        if (Dtype != "<f4") throw new InvalidOperationException($"expected <f4, got {Dtype}");
        var result = new float[Data.Length / 4];
        Buffer.BlockCopy(Data, 0, result, 0, Data.Length);
        return result;
    }

    public double[] AsFloat64()
    {
        if (Dtype == "<f4") return AsFloat32().Select(v => (double)v).ToArray();
        if (Dtype != "<f8") throw new InvalidOperationException($"expected <f8, got {Dtype}");
        var result = new double[Data.Length / 8];
        Buffer.BlockCopy(Data, 0, result, 0, Data.Length);
        return result;
    }

    public byte[] AsUInt8()
    {
        if (Dtype != "|u1") throw new InvalidOperationException($"expected |u1, got {Dtype}");
        return Data;
    }
}

public static partial class Npy
{
    public static NpyArray Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path} is not an .npy file");
        int major = bytes[6];
        int headerLen, headerStart;
        if (major == 1) { headerLen = BitConverter.ToUInt16(bytes, 8); headerStart = 10; }
        else { headerLen = BitConverter.ToInt32(bytes, 8); headerStart = 12; }
        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLen);
        var descr = DescrRegex().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True")) throw new NotSupportedException("fortran order");
        var shapeText = ShapeRegex().Match(header).Groups[1].Value;
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        var data = bytes.AsSpan(headerStart + headerLen).ToArray();
        return new NpyArray(descr, shape, data);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
