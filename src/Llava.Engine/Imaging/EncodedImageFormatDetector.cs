namespace Llava.Engine.Imaging;

internal static class EncodedImageFormatDetector
{
    /// <summary>The format named by the file's signature bytes, or null when it is none of the accepted ones.</summary>
    public static EncodedImageFormat? Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return EncodedImageFormat.Png;
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return EncodedImageFormat.Jpeg;
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
            return EncodedImageFormat.Gif;
        if (data.StartsWith("BM"u8))
            return EncodedImageFormat.Bmp;
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
            return EncodedImageFormat.WebP;
        return null;
    }
}
