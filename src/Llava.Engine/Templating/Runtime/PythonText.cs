using System.Globalization;
using System.Text;

namespace Llava.Engine.Templating.Runtime;

/// <summary>Python <c>str</c> behaviour that .NET spells differently: whitespace, stripping, splitting, casing.</summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace</c> per character (also true for the ASCII separators 0x1C–0x1F).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static string Strip(string s, string? chars = null) => RStrip(LStrip(s, chars), chars);

    public static string LStrip(string s, string? chars = null)
    {
        var i = 0;
        while (i < s.Length && IsStripped(s[i], chars))
            i++;
        return s[i..];
    }

    public static string RStrip(string s, string? chars = null)
    {
        var end = s.Length;
        while (end > 0 && IsStripped(s[end - 1], chars))
            end--;
        return s[..end];
    }

    private static bool IsStripped(char c, string? chars) => chars is null ? IsSpace(c) : chars.Contains(c);

    /// <summary><c>str.split(sep, maxsplit)</c>; a null separator splits on whitespace runs and drops empty parts.</summary>
    public static List<string> Split(string s, string? separator, int maxSplit)
    {
        var parts = new List<string>();
        if (separator is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i]))
                    i++;
                if (i >= s.Length)
                    break;
                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(s[i..]);
                    break;
                }
                var start = i;
                while (i < s.Length && !IsSpace(s[i]))
                    i++;
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (separator.Length == 0)
            throw new TemplateException("empty separator");
        var from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var at = s.IndexOf(separator, from, StringComparison.Ordinal);
            if (at < 0)
                break;
            parts.Add(s[from..at]);
            from = at + separator.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    /// <summary><c>str.rsplit(sep, maxsplit)</c>: like <see cref="Split"/> but the limit counts from the right.</summary>
    public static List<string> RSplit(string s, string? separator, int maxSplit)
    {
        if (maxSplit < 0)
            return Split(s, separator, maxSplit);
        var parts = new List<string>();
        if (separator is null)
        {
            var i = s.Length;
            while (true)
            {
                while (i > 0 && IsSpace(s[i - 1]))
                    i--;
                if (i == 0)
                    break;
                if (parts.Count == maxSplit)
                {
                    parts.Add(s[..i]);
                    break;
                }
                var end = i;
                while (i > 0 && !IsSpace(s[i - 1]))
                    i--;
                parts.Add(s[i..end]);
            }
            parts.Reverse();
            return parts;
        }
        if (separator.Length == 0)
            throw new TemplateException("empty separator");
        var to = s.Length;
        while (parts.Count < maxSplit)
        {
            var at = to - separator.Length < 0 ? -1 : s.LastIndexOf(separator, to - 1, to, StringComparison.Ordinal);
            if (at < 0 || at + separator.Length > to)
                break;
            parts.Add(s[(at + separator.Length)..to]);
            to = at;
        }
        parts.Add(s[..to]);
        parts.Reverse();
        return parts;
    }

    /// <summary><c>str.splitlines(keepends)</c> with Python's full set of line boundaries.</summary>
    public static List<string> SplitLines(string s, bool keepEnds = false)
    {
        var lines = new List<string>();
        var start = 0;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (!IsLineBoundary(c))
            {
                i++;
                continue;
            }
            var eol = c == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? i + 2 : i + 1;
            lines.Add(keepEnds ? s[start..eol] : s[start..i]);
            start = i = eol;
        }
        if (start < s.Length)
            lines.Add(s[start..]);
        return lines;
    }

    private static bool IsLineBoundary(char c) =>
        c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary><c>str.replace(old, new, count)</c>; an empty <paramref name="old"/> inserts between characters.</summary>
    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count == 0)
            return s;
        var sb = new StringBuilder();
        var done = 0L;
        if (old.Length == 0)
        {
            for (var i = 0; i <= s.Length; i++)
            {
                if (count < 0 || done < count)
                {
                    sb.Append(replacement);
                    done++;
                }
                if (i < s.Length)
                    sb.Append(s[i]);
            }
            return sb.ToString();
        }
        var from = 0;
        while (count < 0 || done < count)
        {
            var at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
                break;
            sb.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
            done++;
        }
        return sb.Append(s, from, s.Length - from).ToString();
    }

    public static string Upper(string s) => s.ToUpperInvariant();

    public static string Lower(string s) => s.ToLowerInvariant();

    /// <summary><c>str.capitalize()</c>: first character upper-cased, the rest lower-cased.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary><c>str.title()</c>: a cased character after an uncased one starts a word ("they're" → "They'Re").</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            var cased = IsCased(c);
            sb.Append(!cased ? c : previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = cased;
        }
        return sb.ToString();
    }

    public static string SwapCase(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            sb.Append(char.IsUpper(c) ? char.ToLowerInvariant(c) : char.IsLower(c) ? char.ToUpperInvariant(c) : c);
        return sb.ToString();
    }

    public static bool IsCased(char c) =>
        char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;

    /// <summary><c>str.islower()</c>: at least one cased character and no upper-case or title-case one.</summary>
    public static bool IsLower(string s) => s.Any(IsCased) && !s.Any(c => char.IsUpper(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter);

    /// <summary><c>str.isupper()</c>: at least one cased character and no lower-case or title-case one.</summary>
    public static bool IsUpper(string s) => s.Any(IsCased) && !s.Any(c => char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter);

    /// <summary>Python compares strings by code point; UTF-16 ordinal order differs only around surrogates.</summary>
    public static int CompareCodePoints(string a, string b)
    {
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
                return hasA ? 1 : hasB ? -1 : 0;
            var d = ea.Current.Value.CompareTo(eb.Current.Value);
            if (d != 0)
                return d;
        }
    }

    /// <summary>Python's <c>len(str)</c> counts code points, not UTF-16 units.</summary>
    public static int Length(string s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes())
            n++;
        return n;
    }

    /// <summary>The string's code points, each as its own string: Python indexing and iteration units.</summary>
    public static List<string> CodePoints(string s)
    {
        var list = new List<string>(s.Length);
        foreach (var rune in s.EnumerateRunes())
            list.Add(rune.ToString());
        return list;
    }
}
