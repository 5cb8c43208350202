using System.Globalization;
using System.Text;

namespace Llava.Engine.Templating.Runtime;

/// <summary>Python's <c>repr()</c> for strings and floats, which templates expose when printing numbers and containers.</summary>
internal static class PythonRepr
{
    /// <summary><c>repr(str)</c>: single quotes unless the text has a single quote and no double quote.</summary>
    public static string Str(string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var rune in text.EnumerateRunes())
        {
            var v = rune.Value;
            if (v == quote || v == '\\')
                sb.Append('\\').Append((char)v);
            else if (v == '\n')
                sb.Append("\\n");
            else if (v == '\r')
                sb.Append("\\r");
            else if (v == '\t')
                sb.Append("\\t");
            else if (IsPrintable(rune))
                sb.Append(rune.ToString());
            else if (v <= 0xFF)
                sb.Append(CultureInfo.InvariantCulture, $"\\x{v:x2}");
            else if (v <= 0xFFFF)
                sb.Append(CultureInfo.InvariantCulture, $"\\u{v:x4}");
            else
                sb.Append(CultureInfo.InvariantCulture, $"\\U{v:x8}");
        }
        return sb.Append(quote).ToString();
    }

    /// <summary>Python's <c>str.isprintable</c> for one character: everything except control, format, surrogate,
    /// private-use, unassigned and separator characters other than the ASCII space.</summary>
    public static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
            return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    /// <summary>
    /// <c>repr(float)</c>: the shortest digits that round-trip, in positional notation when the decimal exponent is
    /// between -4 and 16, otherwise as <c>1e-05</c> / <c>1.5e+16</c>; integral values keep a trailing <c>.0</c>.
    /// </summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        if (value == 0)
            return double.IsNegative(value) ? "-0.0" : "0.0";

        var (digits, decimalPoint) = ShortestDigits(Math.Abs(value));
        var sign = value < 0 ? "-" : "";
        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            var exponent = decimalPoint - 1;
            return $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }
        if (decimalPoint <= 0)
            return $"{sign}0.{new string('0', -decimalPoint)}{digits}";
        if (decimalPoint >= digits.Length)
            return $"{sign}{digits}{new string('0', decimalPoint - digits.Length)}.0";
        return $"{sign}{digits[..decimalPoint]}.{digits[decimalPoint..]}";
    }

    /// <summary>Significant digits without leading/trailing zeros, and where the decimal point falls (0.d1d2 × 10^point).</summary>
    private static (string Digits, int DecimalPoint) ShortestDigits(double positive)
    {
        var text = positive.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.');
        var point = dot < 0 ? text.Length : dot;
        var digits = dot < 0 ? text : text.Remove(dot, 1);
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
            leading++;
        digits = digits[leading..].TrimEnd('0');
        return (digits, point - leading + exponent);
    }
}
