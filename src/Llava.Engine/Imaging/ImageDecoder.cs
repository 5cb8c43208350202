using System.Runtime.InteropServices;
using SkiaSharp;

namespace Llava.Engine.Imaging;

/// <summary>
/// Decodes PNG, JPEG, GIF (first frame), BMP and WebP into what Hugging Face's <c>load_image</c> yields with
/// Pillow: EXIF orientation applied, then <c>convert("RGB")</c> (alpha dropped, not composited; grey and palette
/// expanded). Skia decodes without colour management (Pillow ignores ICC profiles) into unpremultiplied RGBA
/// so colours under transparent pixels survive; where Pillow's reading differs, the difference is patched.
/// </summary>
public static class ImageDecoder
{
    /// <exception cref="ImageDecodeException">The data is empty, too large, not an accepted format, corrupt or truncated.</exception>
    public static DecodedImage Decode(ReadOnlySpan<byte> encoded, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (encoded.IsEmpty)
            throw new ImageDecodeException("image data is empty");
        if (encoded.Length > limits.MaxEncodedBytes)
            throw new ImageDecodeException($"image data is {encoded.Length} bytes, more than the limit of {limits.MaxEncodedBytes}");
        var format = EncodedImageFormatDetector.Detect(encoded)
            ?? throw new ImageDecodeException("unsupported image format (accepted: PNG, JPEG, GIF, BMP, WebP)");
        string name = format.ToString().ToUpperInvariant();

        using var data = format == EncodedImageFormat.Png ? PngLargeChunkFilter.ToSkiaData(encoded) : SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageDecodeException($"corrupt {name} image: the header could not be read");
        if (codec.EncodedFormat != ToSkiaFormat(format))
            throw new ImageDecodeException($"corrupt {name} image: the decoder recognised it as {codec.EncodedFormat}");

        int width = codec.Info.Width;
        int height = codec.Info.Height;
        long pixels = (long)width * height;
        if (width < 1 || height < 1)
            throw new ImageDecodeException($"image has no pixels ({width}x{height})");
        if (pixels > limits.MaxPixels)
            throw new ImageDecodeException($"image is {width}x{height} = {pixels} pixels, more than the limit of {limits.MaxPixels}");
        if (pixels * 4 > Array.MaxLength)
            throw new ImageDecodeException($"image is {width}x{height}, too large to decode");

        // Native memory, freed here: a pooled array of this size would stay in the pool after a burst of large images.
        int length = (int)(pixels * 4);
        unsafe
        {
            byte* rgba = (byte*)NativeMemory.Alloc((nuint)length);
            try
            {
                var stored = new Span<byte>(rgba, length);
                DecodeRgba(codec, name, width, height, rgba);
                int orientation = (int)codec.EncodedOrigin;
                switch (format)
                {
                    case EncodedImageFormat.Gif:
                        FillTransparent(stored, GifTransparentFill.Read(encoded));
                        break;
                    case EncodedImageFormat.Png:
                        // Skia does not read PNG eXIf chunks; Pillow's exif_transpose does.
                        var png = PngChunks.Read(encoded);
                        orientation = png.Orientation;
                        if (png.IsGray16)
                            PngGray16Decoder.Decode(png, width, height, stored);
                        break;
                }

                return ExifOrientation.ToUprightRgb(stored, width, height, orientation);
            }
            finally
            {
                NativeMemory.Free(rgba);
            }
        }
    }

    private static unsafe void DecodeRgba(SKCodec codec, string formatName, int width, int height, byte* rgba)
    {
        // No colour space on the target: Skia then converts nothing, matching Pillow, which ignores ICC profiles.
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var result = codec.GetPixels(target, (IntPtr)rgba, width * 4, new SKCodecOptions(0));

        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw new ImageDecodeException($"truncated {formatName} image");
            case SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput:
                throw new ImageDecodeException($"corrupt {formatName} image");
            default:
                throw new ImageDecodeException($"{formatName} image could not be decoded ({result})");
        }
    }

    private static void FillTransparent(Span<byte> rgba, (byte R, byte G, byte B) colour)
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            if (rgba[i + 3] != 0)
                continue;
            rgba[i] = colour.R;
            rgba[i + 1] = colour.G;
            rgba[i + 2] = colour.B;
        }
    }

    private static SKEncodedImageFormat ToSkiaFormat(EncodedImageFormat format) => format switch
    {
        EncodedImageFormat.Png => SKEncodedImageFormat.Png,
        EncodedImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
        EncodedImageFormat.Gif => SKEncodedImageFormat.Gif,
        EncodedImageFormat.Bmp => SKEncodedImageFormat.Bmp,
        EncodedImageFormat.WebP => SKEncodedImageFormat.Webp,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
