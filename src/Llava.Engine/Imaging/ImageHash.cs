using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Llava.Engine.Imaging;

/// <summary>Content hash of a decoded image, so caches key on pixels rather than on how they were encoded.</summary>
public static class ImageHash
{
    /// <summary>Lower-case hex SHA-256 of the width and height (int32 little-endian each) followed by the RGB bytes.</summary>
    public static string Compute(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> dimensions = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(dimensions, image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(dimensions[4..], image.Height);
        hash.AppendData(dimensions);
        hash.AppendData(image.Rgb);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
