using System.Buffers.Binary;

namespace Llava.Engine.Imaging;

/// <summary>
/// The few PNG facts Skia does not report but Pillow acts on: the IHDR bit depth and colour type, the eXIf
/// orientation, and the image data stream. Reads defensively; a malformed chunk list just ends the walk
/// (Skia has already validated the image by the time these are used).
/// </summary>
internal sealed class PngChunks
{
    private const int SignatureLength = 8;

    private PngChunks(int bitDepth, int colorType, bool interlaced, int orientation, byte[] imageData)
    {
        BitDepth = bitDepth;
        ColorType = colorType;
        Interlaced = interlaced;
        Orientation = orientation;
        ImageData = imageData;
    }

    public int BitDepth { get; }

    /// <summary>PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.</summary>
    public int ColorType { get; }

    public bool Interlaced { get; }

    /// <summary>EXIF orientation from an eXIf chunk (before or after the image data, as Pillow reads both), else 1.</summary>
    public int Orientation { get; }

    /// <summary>True for 16-bit greyscale, the one layout Skia cannot decode the way Pillow does.</summary>
    public bool IsGray16 => BitDepth == 16 && ColorType == 0;

    /// <summary>The concatenated IDAT payloads (zlib stream), collected only when <see cref="IsGray16"/>.</summary>
    public byte[] ImageData { get; }

    public static PngChunks Read(ReadOnlySpan<byte> png)
    {
        int bitDepth = 0, colorType = 0, orientation = 1;
        bool interlaced = false, orientationSeen = false;
        using var imageData = new MemoryStream();
        int position = SignatureLength;
        while (position <= png.Length - 12)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            if (length > (uint)(png.Length - position - 12))
                break;
            var type = png.Slice(position + 4, 4);
            var data = png.Slice(position + 8, (int)length);
            if (type.SequenceEqual("IHDR"u8) && data.Length >= 13)
            {
                bitDepth = data[8];
                colorType = data[9];
                interlaced = data[12] == 1;
            }
            else if (type.SequenceEqual("eXIf"u8) && !orientationSeen)
            {
                orientation = ExifOrientationReader.Read(data);
                orientationSeen = true;
            }
            else if (type.SequenceEqual("IDAT"u8) && bitDepth == 16 && colorType == 0)
            {
                imageData.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            position += 12 + (int)length;
        }

        return new PngChunks(bitDepth, colorType, interlaced, orientation, imageData.ToArray());
    }
}
