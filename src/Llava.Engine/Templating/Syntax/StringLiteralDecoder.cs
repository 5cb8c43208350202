using System.Globalization;
using System.Text;

namespace Llava.Engine.Templating.Syntax;

/// <summary>
/// Decodes the body of a string literal exactly as Jinja2 does:
/// <c>body.encode("ascii", "backslashreplace").decode("unicode-escape")</c>. Non-ASCII characters are first
/// turned into escapes, so a backslash before one of them escapes the escape's own backslash instead.
/// </summary>
internal static class StringLiteralDecoder
{
    public static string Decode(string body) => DecodeUnicodeEscape(BackslashReplace(body));

    private static string BackslashReplace(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                sb.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\U{char.ConvertToUtf32(c, text[i + 1]):x8}");
                i++;
            }
            else
            {
                sb.Append(c <= 0xFF ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
            }
        }
        return sb.ToString();
    }

    private static string DecodeUnicodeEscape(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 >= text.Length)
                throw new FormatException("\\ at end of string");
            var n = text[++i];
            switch (n)
            {
                case '\n': break;
                case '\\' or '\'' or '"': sb.Append(n); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case >= '0' and <= '7':
                    var octal = n - '0';
                    for (var k = 0; k < 2 && i + 1 < text.Length && text[i + 1] is >= '0' and <= '7'; k++)
                        octal = octal * 8 + (text[++i] - '0');
                    sb.Append((char)octal);
                    break;
                case 'x': AppendCodePoint(sb, ReadHex(text, ref i, 2, "truncated \\xXX escape")); break;
                case 'u': AppendCodePoint(sb, ReadHex(text, ref i, 4, "truncated \\uXXXX escape")); break;
                case 'U': AppendCodePoint(sb, ReadHex(text, ref i, 8, "truncated \\UXXXXXXXX escape")); break;
                case 'N': throw new FormatException("named unicode escapes (\\N{...}) are not supported");
                default: sb.Append('\\').Append(n); break;
            }
        }
        return sb.ToString();
    }

    private static int ReadHex(string text, ref int i, int digits, string error)
    {
        if (i + digits >= text.Length)
            throw new FormatException(error);
        var value = 0L;
        for (var k = 1; k <= digits; k++)
        {
            var d = HexValue(text[i + k]);
            if (d < 0)
                throw new FormatException(error);
            value = value * 16 + d;
        }
        i += digits;
        if (value > 0x10FFFF)
            throw new FormatException("illegal Unicode character");
        return (int)value;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static void AppendCodePoint(StringBuilder sb, int codePoint)
    {
        if (codePoint is >= 0xD800 and <= 0xDFFF || codePoint < 0x10000)
            sb.Append((char)codePoint);
        else
            sb.Append(char.ConvertFromUtf32(codePoint));
    }
}
