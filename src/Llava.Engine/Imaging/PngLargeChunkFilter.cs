using System.Buffers.Binary;
using SkiaSharp;

namespace Llava.Engine.Imaging;

/// <summary>
/// What Skia is given of a PNG: the file without its large ancillary chunks. libpng's progressive reader, which
/// Skia uses, buffers a whole non-image chunk by re-copying it as every block of input arrives — quadratic in the
/// chunk's size: a small picture padded with one 8 MB text chunk took minutes of CPU. Ancillary chunks never
/// change the RGB pixels decoded here (colour profiles are not applied, EXIF orientation is read separately),
/// and the small ones (palette transparency, text, profiles of ordinary size) are kept as they were.
/// </summary>
internal static class PngLargeChunkFilter
{
    /// <summary>Ancillary chunks up to this size pass; a 64 KiB chunk costs libpng about 0.5 MB of copying.</summary>
    public const int MaxAncillaryChunkBytes = 64 * 1024;

    private const int SignatureLength = 8;
    private const int ChunkOverhead = 12;

    /// <summary>The bytes to decode; the original when nothing is dropped or the chunk list is malformed (Skia then judges it).</summary>
    public static SKData ToSkiaData(ReadOnlySpan<byte> png)
    {
        var dropped = 0L;
        for (var position = SignatureLength; NextChunk(png, position) is { } length; position += ChunkOverhead + length)
        {
            if (IsDropped(png, position, length))
                dropped += ChunkOverhead + length;
        }
        if (dropped == 0)
            return SKData.CreateCopy(png);

        var data = SKData.Create(png.Length - dropped);
        Span<byte> output;
        unsafe
        {
            output = new Span<byte>((void*)data.Data, (int)data.Size);
        }
        png[..SignatureLength].CopyTo(output);
        var written = SignatureLength;
        int end = SignatureLength;
        for (var position = SignatureLength; NextChunk(png, position) is { } length; position += ChunkOverhead + length)
        {
            end = position + ChunkOverhead + length;
            if (IsDropped(png, position, length))
                continue;
            png.Slice(position, ChunkOverhead + length).CopyTo(output[written..]);
            written += ChunkOverhead + length;
        }
        png[end..].CopyTo(output[written..]);
        return data;
    }

    /// <summary>The data length of the chunk at <paramref name="position"/>, or null where the chunk list ends.</summary>
    private static int? NextChunk(ReadOnlySpan<byte> png, int position)
    {
        if (position > png.Length - ChunkOverhead)
            return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
        return length <= (uint)(png.Length - position - ChunkOverhead) ? (int)length : null;
    }

    /// <summary>Ancillary chunks have a lower-case first letter in their type.</summary>
    private static bool IsDropped(ReadOnlySpan<byte> png, int position, int length) =>
        length > MaxAncillaryChunkBytes && (png[position + 4] & 0x20) != 0;
}
