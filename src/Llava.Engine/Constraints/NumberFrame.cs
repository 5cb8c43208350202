using System.Globalization;

namespace Llava.Engine.Constraints;

/// <summary>
/// Reading a JSON number (an integer for <c>integer</c>), keeping only prefixes that can still end inside the
/// bounds, so a bounded integer never runs to more digits than its bounds have. Unbounded numbers are capped at
/// <see cref="MaxDigits"/> digits before and after the point and may take a two-digit exponent; bounded ones take
/// no exponent.
/// </summary>
internal sealed record NumberFrame(NumberNode Node, string Text, NumberFrame.Phase At) : Frame
{
    public const int MaxDigits = 15;

    public enum Phase { Minus, Zero, Integer, Dot, Fraction, Exponent, ExponentSign, ExponentDigits }

    public static NumberFrame? Start(NumberNode node, byte b) => new NumberFrame(node, "", Phase.Minus).Read(b, first: true);

    public override bool CanEnd => At is Phase.Zero or Phase.Integer or Phase.Fraction or Phase.ExponentDigits
                                   && (!Node.IsBounded || Node.Contains(decimal.Parse(Text, CultureInfo.InvariantCulture)));

    public override void Advance(ParseStack? rest, byte b, ICollection<ParseStack> output)
    {
        if (Read(b, first: false) is { } next)
            Emit(output, rest, next);
    }

    private NumberFrame? Read(byte b, bool first)
    {
        var c = (char)b;
        var digit = char.IsAsciiDigit(c);
        Phase? at = (At, c) switch
        {
            (Phase.Minus, '-') when first => Phase.Minus,
            (Phase.Minus, '0') => Phase.Zero,
            (Phase.Minus, _) when digit => Phase.Integer,
            (Phase.Integer, _) when digit && IntegerDigits < MaxDigits => Phase.Integer,
            (Phase.Zero or Phase.Integer, '.') when !Node.Integer => Phase.Dot,
            (Phase.Dot or Phase.Fraction, _) when digit && FractionDigits < MaxDigits => Phase.Fraction,
            (Phase.Zero or Phase.Integer or Phase.Fraction, 'e' or 'E') when !Node.Integer && !Node.IsBounded => Phase.Exponent,
            (Phase.Exponent, '+' or '-') => Phase.ExponentSign,
            (Phase.Exponent or Phase.ExponentSign or Phase.ExponentDigits, _) when digit && ExponentDigits < 2 => Phase.ExponentDigits,
            _ => null,
        };
        if (at is not { } phase)
            return null;
        var next = new NumberFrame(Node, Text + c, phase);
        return !Node.IsBounded || next.CanStillFit() ? next : null;
    }

    private int IntegerDigits => Text.TrimStart('-').Length;
    private int FractionDigits => Text.Length - Text.IndexOf('.') - 1;
    private int ExponentDigits => Text[(Text.IndexOfAny(['e', 'E']) + 1)..].TrimStart('+', '-').Length;

    /// <summary>Whether some number this prefix can still become lies within the bounds.</summary>
    private bool CanStillFit()
    {
        var negative = Text.StartsWith('-');
        var body = Text.TrimStart('-');
        var dot = body.IndexOf('.');
        var integer = dot < 0 ? body : body[..dot];
        if (integer.Length == 0)
            return negative ? Meets(null, true, 0m, true) : true;
        var whole = decimal.Parse(integer, CultureInfo.InvariantCulture);

        if (dot >= 0)
        {
            var fraction = body[(dot + 1)..];
            var value = decimal.Parse(fraction.Length == 0 ? integer : body, CultureInfo.InvariantCulture);
            var width = fraction.Length < MaxDigits ? Pow10(-fraction.Length) : 0m;
            return MeetsSigned(negative, value, value + width, width > 0);
        }
        if (integer == "0")
            return Node.Integer ? Node.Contains(0m) : MeetsSigned(negative, 0m, 1m, true);

        // More digits multiply the prefix by ten each: [p·10^k, (p+1)·10^k) for every k the digit cap allows.
        for (var k = 0; integer.Length + k <= MaxDigits; k++)
        {
            var low = whole * Pow10(k);
            var high = (whole + 1) * Pow10(k);
            if (Node.Integer ? MeetsIntegers(negative, low, high - 1) : MeetsSigned(negative, low, high, true))
                return true;
        }
        return false;
    }

    /// <summary>Whether [low, high) (or [low, high] when not <paramref name="open"/>) of magnitudes, signed, meets the bounds.</summary>
    private bool MeetsSigned(bool negative, decimal low, decimal high, bool open) => negative
        ? Meets(-high, !open, -low, true)
        : Meets(low, true, high, !open);

    private bool MeetsIntegers(bool negative, decimal low, decimal high)
    {
        var (from, to) = negative ? (-high, -low) : (low, high);
        var first = Math.Max(from, Math.Ceiling(Node.Minimum ?? from));
        if (!Node.Contains(first))
            first += 1;
        return first <= to && Node.Contains(first);
    }

    /// <summary>Whether the interval between <paramref name="low"/> and <paramref name="high"/> (null: unbounded) meets the bounds.</summary>
    private bool Meets(decimal? low, bool lowInclusive, decimal high, bool highInclusive)
    {
        var (from, fromInclusive) = (low, lowInclusive);
        if (Node.Minimum is { } min && (from is null || min > from || (min == from && Node.ExclusiveMinimum)))
            (from, fromInclusive) = (min, !Node.ExclusiveMinimum && (from != min || fromInclusive));
        var (to, toInclusive) = (high, highInclusive);
        if (Node.Maximum is { } max && (max < to || (max == to && Node.ExclusiveMaximum)))
            (to, toInclusive) = (max, !Node.ExclusiveMaximum && (to != max || toInclusive));
        return from is null || from < to || (from == to && fromInclusive && toInclusive);
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
            result = exponent > 0 ? result * 10 : result / 10;
        return result;
    }
}
