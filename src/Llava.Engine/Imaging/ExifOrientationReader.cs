using System.Buffers.Binary;

namespace Llava.Engine.Imaging;

/// <summary>Reads the Orientation tag (0x0112) from the first IFD of an EXIF block.</summary>
internal static class ExifOrientationReader
{
    private const ushort OrientationTag = 0x0112;
    private const ushort ShortType = 3;
    private const ushort LongType = 4;

    /// <summary>The orientation 1-8, or 1 when the block is malformed or has no valid orientation (Pillow then leaves the image as is).</summary>
    public static int Read(ReadOnlySpan<byte> exif)
    {
        // Pillow accepts the block with or without the "Exif\0\0" prefix that JPEG APP1 segments carry.
        if (exif.StartsWith("Exif\0\0"u8))
            exif = exif[6..];
        if (exif.Length < 8)
            return 1;
        bool littleEndian;
        if (exif.StartsWith("II*\0"u8))
            littleEndian = true;
        else if (exif.StartsWith("MM\0*"u8))
            littleEndian = false;
        else
            return 1;

        long ifd = ReadUInt32(exif[4..], littleEndian);
        if (ifd > exif.Length - 2)
            return 1;
        int entries = ReadUInt16(exif[(int)ifd..], littleEndian);
        for (int i = 0; i < entries; i++)
        {
            long entry = ifd + 2 + 12L * i;
            if (entry > exif.Length - 12)
                return 1;
            var field = exif.Slice((int)entry, 12);
            if (ReadUInt16(field, littleEndian) != OrientationTag)
                continue;
            ushort type = ReadUInt16(field[2..], littleEndian);
            if (ReadUInt32(field[4..], littleEndian) != 1 || type is not (ShortType or LongType))
                return 1;
            uint value = type == ShortType ? ReadUInt16(field[8..], littleEndian) : ReadUInt32(field[8..], littleEndian);
            return value is >= 1 and <= 8 ? (int)value : 1;
        }

        return 1;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> data, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(data) : BinaryPrimitives.ReadUInt16BigEndian(data);

    private static uint ReadUInt32(ReadOnlySpan<byte> data, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(data) : BinaryPrimitives.ReadUInt32BigEndian(data);
}
