using System.IO.Compression;

namespace Llava.Engine.Imaging;

/// <summary>
/// Pillow opens a 16-bit greyscale PNG as a 16-bit integer image and <c>convert("RGB")</c> clips each sample to
/// 255 (so most such images come out white). Skia keeps only the high byte, so these files are unfiltered
/// here from the raw samples instead.
/// </summary>
internal static class PngGray16Decoder
{
    private const int BytesPerPixel = 2;

    // Adam7 passes: first column, first row, column step, row step.
    private static readonly (int X, int Y, int DX, int DY)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static readonly (int X, int Y, int DX, int DY)[] Progressive = [(0, 0, 1, 1)];

    /// <summary>Overwrites the colour channels of <paramref name="rgba"/> with Pillow's clipped grey values.</summary>
    public static void Decode(PngChunks png, int width, int height, Span<byte> rgba)
    {
        var passes = png.Interlaced ? Adam7 : Progressive;
        long total = 0;
        foreach (var pass in passes)
        {
            long columns = PassLength(width, pass.X, pass.DX);
            long rows = PassLength(height, pass.Y, pass.DY);
            if (columns > 0)
                total += rows * (1 + columns * BytesPerPixel);
        }

        var raw = Inflate(png.ImageData, total);
        int offset = 0;
        foreach (var pass in passes)
        {
            int columns = PassLength(width, pass.X, pass.DX);
            int rows = PassLength(height, pass.Y, pass.DY);
            if (columns == 0 || rows == 0)
                continue;
            int rowBytes = columns * BytesPerPixel;
            Span<byte> previous = new byte[rowBytes];
            for (int r = 0; r < rows; r++)
            {
                byte filter = raw[offset];
                var row = raw.AsSpan(offset + 1, rowBytes);
                Unfilter(filter, row, previous);
                int y = pass.Y + r * pass.DY;
                for (int j = 0; j < columns; j++)
                {
                    int x = pass.X + j * pass.DX;
                    byte value = row[2 * j] != 0 ? (byte)255 : row[2 * j + 1];
                    var pixel = rgba.Slice((y * width + x) * 4, 3);
                    pixel.Fill(value);
                }

                row.CopyTo(previous);
                offset += 1 + rowBytes;
            }
        }
    }

    private static int PassLength(int size, int start, int step) => size > start ? (size - start + step - 1) / step : 0;

    private static byte[] Inflate(byte[] zlib, long length)
    {
        if (length > Array.MaxLength)
            throw new ImageDecodeException("16-bit PNG is too large");
        var raw = new byte[length];
        try
        {
            using var stream = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
            stream.ReadExactly(raw);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new ImageDecodeException("corrupt or truncated 16-bit PNG image data", e);
        }

        return raw;
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = BytesPerPixel; i < row.Length; i++)
                    row[i] += row[i - BytesPerPixel];
                break;
            case 2:
                for (int i = 0; i < row.Length; i++)
                    row[i] += previous[i];
                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= BytesPerPixel ? row[i - BytesPerPixel] : 0;
                    row[i] += (byte)((left + previous[i]) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= BytesPerPixel ? row[i - BytesPerPixel] : 0;
                    int upLeft = i >= BytesPerPixel ? previous[i - BytesPerPixel] : 0;
                    row[i] += Paeth(left, previous[i], upLeft);
                }

                break;
            default:
                throw new ImageDecodeException($"corrupt PNG: unknown row filter {filter}");
        }
    }

    private static byte Paeth(int left, int up, int upLeft)
    {
        int estimate = left + up - upLeft;
        int distanceLeft = Math.Abs(estimate - left);
        int distanceUp = Math.Abs(estimate - up);
        int distanceUpLeft = Math.Abs(estimate - upLeft);
        if (distanceLeft <= distanceUp && distanceLeft <= distanceUpLeft)
            return (byte)left;
        return distanceUp <= distanceUpLeft ? (byte)up : (byte)upLeft;
    }
}
