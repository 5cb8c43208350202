namespace Llava.Engine.Constraints;

/// <summary>
/// Where a byte stream stands inside one UTF-8 character, checked as strictly as a UTF-8 decoder checks it (no
/// overlong forms, no surrogates, nothing above U+10FFFF), so that constrained output always decodes.
/// </summary>
internal readonly record struct Utf8Progress(int Remaining, byte Lead, int CodePoint, int Length)
{
    public bool AtBoundary => Remaining == 0;

    /// <summary>The code points the character begun so far can still become (mid-character only).</summary>
    public (int Low, int High) Reachable
    {
        get
        {
            var shift = 6 * Remaining;
            var low = CodePoint << shift;
            var high = low | ((1 << shift) - 1);
            var floor = Length switch { 2 => 0x80, 3 => 0x800, _ => 0x10000 };
            return (Math.Max(low, floor), Math.Min(high, 0x10FFFF));
        }
    }

    /// <summary>
    /// The progress after <paramref name="b"/>, or null when it cannot come next. At a boundary, ASCII below
    /// U+0020 is refused too: JSON strings cannot hold raw control characters.
    /// </summary>
    public Utf8Progress? Next(byte b)
    {
        if (Remaining == 0)
        {
            return b switch
            {
                < 0x20 => null,
                < 0x80 => new Utf8Progress(0, 0, b, 1),
                >= 0xC2 and <= 0xDF => new Utf8Progress(1, b, b & 0x1F, 2),
                >= 0xE0 and <= 0xEF => new Utf8Progress(2, b, b & 0x0F, 3),
                >= 0xF0 and <= 0xF4 => new Utf8Progress(3, b, b & 0x07, 4),
                _ => null,
            };
        }
        var (low, high) = Lead switch
        {
            0xE0 => (0xA0, 0xBF),
            0xED => (0x80, 0x9F),
            0xF0 => (0x90, 0xBF),
            0xF4 => (0x80, 0x8F),
            _ => (0x80, 0xBF),
        };
        return b >= low && b <= high ? new Utf8Progress(Remaining - 1, 0, (CodePoint << 6) | (b & 0x3F), Length) : null;
    }
}
