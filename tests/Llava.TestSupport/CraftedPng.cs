using System.Buffers.Binary;
using System.IO.Compression;

namespace Llava.TestSupport;

/// <summary>Builds PNG files byte by byte, to make headers no encoder would write.</summary>
public static class CraftedPng
{
    /// <param name="paddingBytes">Size of a private ancillary chunk after the image data, which decoders skip.</param>
    public static byte[] Build(int width, int height, byte bitDepth, byte colorType, byte[] rawScanlines, int paddingBytes = 0)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = bitDepth;
        header[9] = colorType;
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Deflate(rawScanlines));
        if (paddingBytes > 0)
            WriteChunk(output, "skIp", new byte[paddingBytes]);
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>An 8-bit RGB image of one colour.</summary>
    public static byte[] Solid(int width, int height, int paddingBytes = 0)
    {
        var row = 1 + 3 * width;
        var scanlines = new byte[row * height];
        for (var y = 0; y < height; y++)
            scanlines.AsSpan(y * row + 1, 3 * width).Fill(200);
        return Build(width, height, 8, 2, scanlines, paddingBytes);
    }

    private static byte[] Deflate(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(data);
        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        output.Write(length);
        var typeAndData = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        output.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }

        return ~crc;
    }
}
