using System.Globalization;
using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// The Split pre-tokenizer of Llama 3's <c>tokenizer.json</c>, i.e. the regular expression
/// <see cref="Pattern"/> with "Isolated" behaviour, evaluated by hand over Unicode code points.
/// </summary>
/// <remarks>
/// .NET's <see cref="System.Text.RegularExpressions.Regex"/> is no substitute: it classifies UTF-16 units, so a
/// letter outside the BMP or an emoji before a word would split differently from Hugging Face's Rust regex, and its
/// backtracking makes <c>\s*[\r\n]+</c> quadratic on long runs of spaces. Each branch below is the
/// leftmost-first meaning of one alternative, and every position is looked at a bounded number of times.
/// </remarks>
internal static class Llama3PreTokenizer
{
    public const string Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private enum CharClass { Letter, Number, LineBreak, Space, Other }

    /// <summary>Adds the start and length of every piece of <paramref name="text"/> to <paramref name="pieces"/>, in order.</summary>
    public static void Split(ReadOnlySpan<char> text, List<(int Start, int Length)> pieces)
    {
        var position = 0;
        while (position < text.Length)
        {
            var end = MatchAt(text, position);
            pieces.Add((position, end - position));
            position = end;
        }
    }

    private static int MatchAt(ReadOnlySpan<char> text, int start)
    {
        var (first, firstLength) = Classify(text, start);
        var second = start + firstLength;

        if (text[start] == '\'' && ContractionLength(text, second) is var contraction and > 0)
            return second + contraction;

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (first == CharClass.Letter)
            return SkipWhile(text, start, CharClass.Letter);
        if (first is CharClass.Space or CharClass.Other && ClassAt(text, second) == CharClass.Letter)
            return SkipWhile(text, second, CharClass.Letter);

        // \p{N}{1,3}
        if (first == CharClass.Number)
        {
            var end = start;
            for (var count = 0; count < 3 && ClassAt(text, end) == CharClass.Number; count++)
                end += Classify(text, end).Length;
            return end;
        }

        // " ?[^\s\p{L}\p{N}]+[\r\n]*"
        var symbolsStart = text[start] == ' ' && ClassAt(text, second) == CharClass.Other ? second
            : first == CharClass.Other ? start
            : -1;
        if (symbolsStart >= 0)
            return SkipWhile(text, SkipWhile(text, symbolsStart, CharClass.Other), CharClass.LineBreak);

        // What is left starts with white space: \s*[\r\n]+ ends after the run's last line break; \s+(?!\S) leaves
        // the run's last character for the word after it; \s+ takes a lone space before a word.
        var runEnd = start;
        var lastLineBreakEnd = -1;
        while (runEnd < text.Length && Classify(text, runEnd) is var (cls, length) && cls is CharClass.Space or CharClass.LineBreak)
        {
            runEnd += length;
            if (cls == CharClass.LineBreak)
                lastLineBreakEnd = runEnd;
        }
        if (lastLineBreakEnd > 0)
            return lastLineBreakEnd;
        if (runEnd == text.Length)
            return runEnd;
        // Every White_Space character is in the BMP, so the run's last character is one UTF-16 unit.
        return runEnd - 1 > start ? runEnd - 1 : runEnd;
    }

    /// <summary>Length after the apostrophe of <c>'s 't 're 've 'm 'll 'd</c>, case-insensitively (Unicode folding: ſ is s).</summary>
    private static int ContractionLength(ReadOnlySpan<char> text, int index)
    {
        static char Fold(ReadOnlySpan<char> text, int i) =>
            i < text.Length ? (text[i] == '\u017F' ? 's' : char.ToLowerInvariant(text[i])) : '\0';
        var a = Fold(text, index);
        var b = Fold(text, index + 1);
        if (a is 's' or 't' or 'm' or 'd')
            return 1;
        if ((a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l'))
            return 2;
        return 0;
    }

    private static int SkipWhile(ReadOnlySpan<char> text, int index, CharClass wanted)
    {
        while (index < text.Length)
        {
            var (cls, length) = Classify(text, index);
            if (cls != wanted)
                break;
            index += length;
        }
        return index;
    }

    private static CharClass? ClassAt(ReadOnlySpan<char> text, int index) =>
        index < text.Length ? Classify(text, index).Class : null;

    private static (CharClass Class, int Length) Classify(ReadOnlySpan<char> text, int index)
    {
        if (Rune.DecodeFromUtf16(text[index..], out var rune, out var length) != System.Buffers.OperationStatus.Done)
            return (CharClass.Other, 1);
        if (rune.Value is '\r' or '\n')
            return (CharClass.LineBreak, length);
        if (IsWhiteSpace(rune.Value))
            return (CharClass.Space, length);
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => (CharClass.Letter, length),
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                => (CharClass.Number, length),
            _ => (CharClass.Other, length),
        };
    }

    /// <summary>Unicode's White_Space property, which is what <c>\s</c> means in Rust's regex crate.</summary>
    private static bool IsWhiteSpace(int c) =>
        c is >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;
}
