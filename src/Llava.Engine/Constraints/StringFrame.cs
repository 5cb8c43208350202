namespace Llava.Engine.Constraints;

/// <summary>
/// Reading a string after its opening quote: valid UTF-8 without raw control characters, JSON escapes (a
/// <c>\u</c> escape of a lone surrogate is refused), the length in code points within bounds, and the pattern (as
/// NFA states over the decoded code points) still able to match; the closing quote only where the string is valid.
/// </summary>
internal sealed record StringFrame(StringNode Node, int Chars, StringFrame.EscapeState Escape, int Hex, Utf8Progress Utf8, int[]? Pattern, bool Closed)
    : Frame
{
    public enum EscapeState { None, Backslash, Hex1, Hex2, Hex3, Hex4 }

    public static StringFrame Start(StringNode node) => new(node, 0, EscapeState.None, 0, default, node.Pattern?.Start, false);

    public override bool CanEnd => Closed;

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        if (Read(b) is { } next)
            Emit(output, rest, next);
    }

    /// <summary>The frame after <paramref name="b"/>, or null when the string cannot read it here.</summary>
    internal StringFrame? Read(byte b)
    {
        if (Closed)
            return null;
        switch (Escape)
        {
            case EscapeState.Backslash:
                return b switch
                {
                    (byte)'"' or (byte)'\\' or (byte)'/' => Add(b),
                    (byte)'b' => Add('\b'),
                    (byte)'f' => Add('\f'),
                    (byte)'n' => Add('\n'),
                    (byte)'r' => Add('\r'),
                    (byte)'t' => Add('\t'),
                    (byte)'u' => this with { Escape = EscapeState.Hex1, Hex = 0 },
                    _ => null,
                };
            case >= EscapeState.Hex1:
                if (!char.IsAsciiHexDigit((char)b))
                    return null;
                var hex = Hex * 16 + Convert.ToInt32(((char)b).ToString(), 16);
                if (Escape == EscapeState.Hex4)
                    return hex is >= 0xD800 and <= 0xDFFF ? null : Add(hex);
                var shift = 4 * (EscapeState.Hex4 - Escape);
                return CanRead(hex << shift, (hex << shift) | ((1 << shift) - 1)) ? this with { Escape = Escape + 1, Hex = hex } : null;
        }
        if (!Utf8.AtBoundary)
        {
            if (Utf8.Next(b) is not { } continued)
                return null;
            return continued.AtBoundary ? (this with { Utf8 = default }).Add(continued.CodePoint) : Pending(continued);
        }
        if (b == '"')
            return Chars >= Node.MinLength && (Pattern is null || Node.Pattern!.IsMatch(Pattern)) ? this with { Closed = true } : null;
        if (Chars >= Node.MaxLength)
            return null;
        if (b == '\\')
            return CanRead(0, 0xFFFF) ? this with { Escape = EscapeState.Backslash } : null;
        if (Utf8.Next(b) is not { } started)
            return null;
        return started.AtBoundary ? Add(b) : Pending(started);
    }

    /// <summary>Mid-character: kept only if the pattern accepts some code point the character can still become.</summary>
    private StringFrame? Pending(Utf8Progress utf8)
    {
        var (low, high) = utf8.Reachable;
        return CanRead(low, high) ? this with { Utf8 = utf8 } : null;
    }

    /// <summary>
    /// Whether the pattern (if any) can read some code point in [<paramref name="low"/>, <paramref name="high"/>] next
    /// and still match within maxLength.
    /// </summary>
    private bool CanRead(int low, int high)
    {
        if (Pattern is null)
            return true;
        var needed = Node.Pattern!.CharsToMatchVia(Pattern, low, high);
        return needed != int.MaxValue && (Node.MaxLength is not { } max || Chars + needed <= max);
    }

    private StringFrame? Add(int codePoint)
    {
        var pattern = Pattern;
        if (pattern is not null)
        {
            // Dead ends are cut here: the pattern must still be able to match within maxLength.
            pattern = Node.Pattern!.Step(pattern, codePoint);
            var needed = Node.Pattern.CharsToMatch(pattern);
            if (needed == int.MaxValue || (Node.MaxLength is { } max && Chars + 1 + needed > max))
                return null;
        }
        return this with { Chars = Chars + 1, Escape = EscapeState.None, Pattern = pattern };
    }
}
