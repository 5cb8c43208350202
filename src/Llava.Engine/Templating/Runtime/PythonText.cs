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

    /// <summary><c>str.upper()</c> with full Unicode case mapping ("ß" → "SS").</summary>
    public static string Upper(string s) => Map(s, (runes, i) => UpperOf(runes[i]));

    /// <summary><c>str.lower()</c>, including the final-sigma rule ("ΟΔΟΣ" → "οδος").</summary>
    public static string Lower(string s) => Map(s, LowerAt);

    /// <summary><c>str.capitalize()</c>: first character title-cased, the rest lower-cased.</summary>
    public static string Capitalize(string s) => Map(s, (runes, i) => i == 0 ? TitleOf(runes[0]) : LowerAt(runes, i));

    /// <summary><c>str.title()</c>: a character after a cased one is lower-cased, any other is title-cased ("they're" → "They'Re").</summary>
    public static string Title(string s)
    {
        var previousCased = false;
        return Map(s, (runes, i) =>
        {
            var mapped = previousCased ? LowerAt(runes, i) : TitleOf(runes[i]);
            previousCased = IsCased(runes[i]);
            return mapped;
        });
    }

    /// <summary><c>str.swapcase()</c>.</summary>
    public static string SwapCase(string s) =>
        Map(s, (runes, i) => IsUppercase(runes[i]) ? LowerAt(runes, i) : IsLowercase(runes[i]) ? UpperOf(runes[i]) : runes[i].ToString());

    /// <summary><c>str.islower()</c>: at least one cased character and none upper- or title-case.</summary>
    public static bool IsLower(string s) => HasOnlyCase(s, IsLowercase, IsUppercase);

    /// <summary><c>str.isupper()</c>: at least one cased character and none lower- or title-case.</summary>
    public static bool IsUpper(string s) => HasOnlyCase(s, IsUppercase, IsLowercase);

    private static bool HasOnlyCase(string s, Func<Rune, bool> wanted, Func<Rune, bool> opposite)
    {
        var found = false;
        foreach (var rune in s.EnumerateRunes())
        {
            if (opposite(rune) || IsTitlecase(rune))
                return false;
            found |= wanted(rune);
        }
        return found;
    }

    private static string Map(string s, Func<Rune[], int, string> map)
    {
        var runes = s.EnumerateRunes().ToArray();
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < runes.Length; i++)
            sb.Append(map(runes, i));
        return sb.ToString();
    }

    private static string UpperOf(Rune r) =>
        PythonCaseTable.Special.TryGetValue(r.Value, out var e) && e.Upper is { } u ? u : Rune.ToUpperInvariant(r).ToString();

    private static string TitleOf(Rune r) =>
        PythonCaseTable.Special.TryGetValue(r.Value, out var e) && e.Title is { } t ? t : UpperOf(r);

    private static string LowerAt(Rune[] runes, int i)
    {
        var r = runes[i];
        if (r.Value == 0x03A3)
            return IsFinalSigma(runes, i) ? "\u03C2" : "\u03C3";
        return PythonCaseTable.Special.TryGetValue(r.Value, out var e) && e.Lower is { } l ? l : Rune.ToLowerInvariant(r).ToString();
    }

    /// <summary>Unicode's Final_Sigma context: a cased letter before (skipping case-ignorables) and none after.</summary>
    private static bool IsFinalSigma(Rune[] runes, int i)
    {
        var j = i - 1;
        while (j >= 0 && IsCaseIgnorable(runes[j]))
            j--;
        if (j < 0 || !IsCased(runes[j]))
            return false;
        j = i + 1;
        while (j < runes.Length && IsCaseIgnorable(runes[j]))
            j++;
        return j == runes.Length || !IsCased(runes[j]);
    }

    public static bool IsLowercase(Rune r) =>
        Rune.GetUnicodeCategory(r) == UnicodeCategory.LowercaseLetter || InRanges(r, PythonCaseTable.OtherLowercase);

    public static bool IsUppercase(Rune r) =>
        Rune.GetUnicodeCategory(r) == UnicodeCategory.UppercaseLetter || InRanges(r, PythonCaseTable.OtherUppercase);

    private static bool IsTitlecase(Rune r) => Rune.GetUnicodeCategory(r) == UnicodeCategory.TitlecaseLetter;

    private static bool IsCased(Rune r) => IsLowercase(r) || IsUppercase(r) || IsTitlecase(r);

    private static bool IsCaseIgnorable(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || InRanges(r, PythonCaseTable.ExtraCaseIgnorable);

    private static bool InRanges(Rune r, (int First, int Last)[] ranges) =>
        ranges.Any(range => r.Value >= range.First && r.Value <= range.Last);

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
