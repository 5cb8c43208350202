using System.Text;
using System.Text.RegularExpressions;
using Llava.Engine.Templating.Runtime;

namespace Llava.Engine.Templating.Syntax;

/// <summary>
/// Splits template source into tokens the way Jinja2's lexer does for Hugging Face's environment
/// (<c>trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False</c>), including the whitespace-control
/// signs <c>-</c> and <c>+</c> on tags and the <c>{% raw %}</c> block, which never reaches the parser as tags.
/// </summary>
internal sealed partial class Lexer
{
    private readonly string _source;
    private readonly int[] _lineStarts;
    private readonly List<Token> _tokens = [];
    private int _pos;

    // Jinja2 tracks whether the previous match ended a line; lstrip_blocks also applies at such a start.
    private bool _lineStarting = true;

    private Lexer(string source)
    {
        _source = NormalizeSource(source);
        _lineStarts = ComputeLineStarts(_source);
    }

    public static IReadOnlyList<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    /// <summary>Jinja2 turns every line ending into "\n" and drops one trailing newline before lexing.</summary>
    private static string NormalizeSource(string source)
    {
        var text = source.Replace("\r\n", "\n").Replace('\r', '\n');
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
                starts.Add(i + 1);
        }
        return [.. starts];
    }

    private SourcePosition PositionOf(int index)
    {
        var line = Array.BinarySearch(_lineStarts, index);
        if (line < 0)
            line = ~line - 1;
        return new SourcePosition(line + 1, index - _lineStarts[line] + 1);
    }

    private TemplateException Error(string message, int index)
    {
        var p = PositionOf(index);
        return new TemplateException(message, p.Line, p.Column);
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            var tagStart = FindTagStart(_pos);
            if (tagStart < 0)
            {
                Emit(TokenKind.Data, _source[_pos..], _pos);
                _pos = _source.Length;
                break;
            }

            var opener = _source[tagStart + 1];
            var signIndex = tagStart + 2;
            var sign = signIndex < _source.Length && _source[signIndex] is '-' or '+' ? _source[signIndex] : '\0';
            var raw = opener == '%' ? RawBegin().Match(_source, tagStart) : Match.Empty;
            var text = ApplyLeadingStrip(_source[_pos..tagStart], sign, appliesLstrip: opener != '{');
            Emit(TokenKind.Data, text, _pos);

            var afterOpener = signIndex + (sign == '\0' ? 0 : 1);
            if (raw.Success)
                LexRaw(raw);
            else if (opener == '#')
                LexComment(tagStart, afterOpener);
            else
                LexTag(tagStart, afterOpener, opener == '%');
        }
        _tokens.Add(new Token(TokenKind.EndOfFile, "", PositionOf(_source.Length)));
    }

    private int FindTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#')
                return i;
        }
        return -1;
    }

    /// <summary>
    /// "-" strips all whitespace before the tag; otherwise lstrip_blocks removes the whitespace between the start of
    /// the line and a block or comment tag, unless the tag says "+".
    /// </summary>
    private string ApplyLeadingStrip(string text, char sign, bool appliesLstrip)
    {
        if (sign == '-')
            return PythonText.RStrip(text);
        if (sign == '+' || !appliesLstrip)
            return text;
        var lineStart = text.LastIndexOf('\n') + 1;
        if (lineStart == 0 && !_lineStarting)
            return text;
        for (var i = lineStart; i < text.Length; i++)
        {
            if (!PythonText.IsSpace(text[i]))
                return text;
        }
        return text[..lineStart];
    }

    private void Emit(TokenKind kind, string text, int index, object? literal = null)
    {
        if (kind == TokenKind.Data && text.Length == 0)
            return;
        _tokens.Add(new Token(kind, text, PositionOf(index), literal));
    }

    private void EndMatch(int endIndex)
    {
        _lineStarting = endIndex > 0 && _source[endIndex - 1] == '\n';
        _pos = endIndex;
    }

    private void LexComment(int tagStart, int contentStart)
    {
        var close = _source.IndexOf("#}", contentStart, StringComparison.Ordinal);
        if (close < 0)
            throw Error("Missing end of comment tag", tagStart);
        var sign = close > contentStart ? _source[close - 1] : '\0';
        EndMatch(ConsumeTagEnd(close + 2, sign));
    }

    /// <summary>Position after a closing delimiter: "-" eats following whitespace, "+" nothing, else trim_blocks.</summary>
    private int ConsumeTagEnd(int afterDelimiter, char sign)
    {
        var end = afterDelimiter;
        if (sign == '-')
        {
            while (end < _source.Length && PythonText.IsSpace(_source[end]))
                end++;
        }
        else if (sign != '+' && end < _source.Length && _source[end] == '\n')
        {
            end++;
        }
        return end;
    }

    private void LexRaw(Match begin)
    {
        EndMatch(begin.Index + begin.Length);
        var end = RawEnd().Match(_source, _pos);
        if (!end.Success)
            throw Error("Missing end of raw directive", begin.Index);
        var sign = end.Groups["sign"].Value is [var c] ? c : '\0';
        var body = ApplyLeadingStrip(_source[_pos..end.Index], sign, appliesLstrip: true);
        Emit(TokenKind.Data, body, _pos);
        EndMatch(end.Index + end.Length);
    }

    private void LexTag(int tagStart, int contentStart, bool isBlock)
    {
        Emit(isBlock ? TokenKind.BlockBegin : TokenKind.VariableBegin, isBlock ? "{%" : "{{", tagStart);
        var brackets = new Stack<char>();
        var i = contentStart;
        while (true)
        {
            if (i >= _source.Length)
                throw Error($"unexpected end of template, expected end of {(isBlock ? "statement block" : "print statement")}", tagStart);
            if (brackets.Count == 0 && TryTagEnd(i, isBlock, out var after))
            {
                Emit(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, isBlock ? "%}" : "}}", i);
                EndMatch(after);
                return;
            }
            i = LexExpressionToken(i, brackets);
        }
    }

    private bool TryTagEnd(int i, bool isBlock, out int after)
    {
        var closer = isBlock ? "%}" : "}}";
        after = 0;
        if (_source[i] is '-' or '+' && string.CompareOrdinal(_source, i + 1, closer, 0, 2) == 0)
        {
            // "+" only disables trim_blocks on block tags; "+}}" is an addition followed by the end.
            if (_source[i] == '+' && !isBlock)
                return false;
            after = ConsumeTagEnd(i + 3, _source[i]);
            return true;
        }
        if (string.CompareOrdinal(_source, i, closer, 0, 2) == 0)
        {
            after = isBlock ? ConsumeTagEnd(i + 2, '\0') : i + 2;
            return true;
        }
        return false;
    }

    private int LexExpressionToken(int i, Stack<char> brackets)
    {
        var c = _source[i];
        if (PythonText.IsSpace(c))
            return i + 1;

        Match m;
        if ((m = FloatLiteral().Match(_source, i)).Success && (i == 0 || _source[i - 1] != '.'))
        {
            var value = double.Parse(m.Value.Replace("_", ""), System.Globalization.CultureInfo.InvariantCulture);
            Emit(TokenKind.Float, m.Value, i, value);
            return i + m.Length;
        }
        if ((m = IntegerLiteral().Match(_source, i)).Success)
        {
            Emit(TokenKind.Integer, m.Value, i, ParseInteger(m.Value, i));
            return i + m.Length;
        }
        if ((m = NameToken().Match(_source, i)).Success)
        {
            Emit(TokenKind.Name, m.Value, i);
            return i + m.Length;
        }
        if ((m = StringLiteral().Match(_source, i)).Success)
        {
            string decoded;
            try
            {
                decoded = StringLiteralDecoder.Decode(m.Value[1..^1]);
            }
            catch (FormatException e)
            {
                throw Error(e.Message, i);
            }
            Emit(TokenKind.String, decoded, i);
            return i + m.Length;
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_source, i, op, 0, op.Length) != 0)
                continue;
            TrackBrackets(op, brackets, i);
            Emit(TokenKind.Operator, op, i);
            return i + op.Length;
        }
        throw Error($"unexpected char {PythonRepr.Str(c.ToString())} at {i}", i);
    }

    private void TrackBrackets(string op, Stack<char> brackets, int index)
    {
        switch (op)
        {
            case "(" or "[" or "{":
                brackets.Push(op[0] switch { '(' => ')', '[' => ']', _ => '}' });
                break;
            case ")" or "]" or "}":
                if (brackets.Count == 0)
                    throw Error($"unexpected '{op}'", index);
                var expected = brackets.Pop();
                if (expected != op[0])
                    throw Error($"unexpected '{op}', expected '{expected}'", index);
                break;
        }
    }

    private long ParseInteger(string text, int index)
    {
        var digits = text.Replace("_", "");
        try
        {
            if (digits.Length > 1 && digits[0] == '0' && char.IsLetter(digits[1]))
            {
                var radix = char.ToLowerInvariant(digits[1]) switch { 'b' => 2, 'o' => 8, _ => 16 };
                var unsigned = Convert.ToUInt64(digits[2..], radix);
                return unsigned <= long.MaxValue ? (long)unsigned : throw new OverflowException();
            }
            return long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw Error($"integer literal {text} is outside the supported 64-bit range", index);
        }
    }

    private static readonly string[] Operators =
    [
        "**", "//", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    ];

    [GeneratedRegex(@"\G\{%(?<sign>[-+]?)\s*raw\s*(?:-%\}\s*|%\})")]
    private static partial Regex RawBegin();

    [GeneratedRegex(@"\{%(?<sign>[-+]?)\s*endraw\s*(?:\+%\}|-%\}\s*|%\}\n?)")]
    private static partial Regex RawEnd();

    [GeneratedRegex(@"\G([0-9]+_)*[0-9]+((\.([0-9]+_)*[0-9]+)?[eE][+\-]?([0-9]+_)*[0-9]+|\.([0-9]+_)*[0-9]+)")]
    private static partial Regex FloatLiteral();

    [GeneratedRegex(@"\G(0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[0-9a-fA-F])+|[1-9](_?[0-9])*|0(_?0)*)")]
    private static partial Regex IntegerLiteral();

    [GeneratedRegex(@"\G[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*")]
    private static partial Regex NameToken();

    [GeneratedRegex(@"\G('([^'\\]*(?:\\.[^'\\]*)*)'|""([^""\\]*(?:\\.[^""\\]*)*)"")", RegexOptions.Singleline)]
    private static partial Regex StringLiteral();
}
