namespace Llava.Engine.Imaging;

/// <summary>
/// Skia turns a GIF's transparent colour index, and any canvas area the first frame does not cover, into
/// transparent black. Pillow keeps palette indices there (the transparent index, else 0) and
/// <c>convert("RGB")</c> shows that index's palette colour. This finds that colour from the GIF's headers.
/// </summary>
internal static class GifTransparentFill
{
    private const int HeaderLength = 13;

    public static (byte R, byte G, byte B) Read(ReadOnlySpan<byte> gif)
    {
        if (gif.Length < HeaderLength)
            return (0, 0, 0);
        ReadOnlySpan<byte> globalPalette = default;
        int position = HeaderLength;
        if ((gif[10] & 0x80) != 0)
        {
            globalPalette = Slice(gif, position, PaletteLength(gif[10]));
            position += globalPalette.Length;
        }

        int? transparentIndex = null;
        ReadOnlySpan<byte> localPalette = default;
        // Walk the blocks before the first image as Pillow does: the last graphic control extension with
        // the transparency flag wins, and unknown bytes are skipped one at a time.
        while (position < gif.Length)
        {
            byte introducer = gif[position];
            if (introducer == 0x21 && position + 1 < gif.Length)
            {
                byte label = gif[position + 1];
                position += 2;
                if (label == 0xF9 && position < gif.Length && gif[position] >= 4 && position + 4 < gif.Length
                    && (gif[position + 1] & 1) != 0)
                {
                    transparentIndex = gif[position + 4];
                }

                position = SkipSubBlocks(gif, position);
            }
            else if (introducer == 0x2C)
            {
                if (position + 9 < gif.Length && (gif[position + 9] & 0x80) != 0)
                    localPalette = Slice(gif, position + 10, PaletteLength(gif[position + 9]));
                break;
            }
            else if (introducer == 0x3B)
            {
                break;
            }
            else
            {
                position++;
            }
        }

        int index = transparentIndex ?? 0;
        var palette = localPalette.IsEmpty ? globalPalette : localPalette;
        // Without a palette entry Pillow falls back to its initial greyscale ramp.
        if (3 * index + 3 > palette.Length)
            return ((byte)index, (byte)index, (byte)index);
        return (palette[3 * index], palette[3 * index + 1], palette[3 * index + 2]);
    }

    private static int PaletteLength(byte flags) => 3 << ((flags & 7) + 1);

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, int start, int length) =>
        start >= data.Length ? default : data.Slice(start, Math.Min(length, data.Length - start));

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int position)
    {
        while (position < gif.Length && gif[position] != 0)
            position += gif[position] + 1;
        return position + 1;
    }
}
