using System.Globalization;

namespace Llava.Engine.Constraints;

/// <summary>
/// The regular expressions JSON Schema's <c>pattern</c> is written with in practice, as a Thompson NFA over code
/// points that can be stepped one character at a time (constrained decoding needs to know, after every token,
/// whether the string so far can still match). Literals, escapes (<c>\d \w \s</c> and their negations, <c>\t \n
/// \r \uXXXX</c>, escaped metacharacters), classes with ranges and negation, <c>.</c>, groups, alternation and the
/// quantifiers <c>* + ? {n} {n,} {n,m}</c>; <c>^</c> and <c>$</c> only at the ends. Anything else (backreferences,
/// lookaround, lazy quantifiers, Unicode properties) is refused.
/// </summary>
internal sealed class CodePointRegex
{
    private const int MaxRepeat = 100;
    private readonly List<State> _states = [];
    private readonly int _start;
    private readonly int _match;

    private CodePointRegex(Node pattern)
    {
        _match = Add(new State(null, -1, []));
        _start = Compile(pattern, _match);
        _charsToMatch = ShortestMatches();
    }

    private readonly int[] _charsToMatch;

    /// <summary>
    /// Compiles <paramref name="pattern"/> to match whole strings: without a leading <c>^</c> (trailing <c>$</c>)
    /// it may match after (before) anything, as JSON Schema's unanchored search means.
    /// </summary>
    public static CodePointRegex Parse(string pattern)
    {
        var anchoredStart = pattern.StartsWith('^');
        var anchoredEnd = pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal);
        var body = pattern[(anchoredStart ? 1 : 0)..(pattern.Length - (anchoredEnd ? 1 : 0))];
        var parser = new Parser(body);
        var node = parser.ParseAll();
        var anything = new Repeat(new CharClass([], Negated: true), 0, null);
        var parts = new List<Node>();
        if (!anchoredStart)
            parts.Add(anything);
        parts.Add(node);
        if (!anchoredEnd)
            parts.Add(anything);
        return new CodePointRegex(new Concat(parts));
    }

    /// <summary>The states before any character.</summary>
    public int[] Start => Closure([_start]);

    /// <summary>The states after <paramref name="codePoint"/>; empty when no match can follow.</summary>
    public int[] Step(int[] states, int codePoint)
    {
        var next = new List<int>();
        foreach (var s in states)
        {
            if (_states[s].Class is { } cls && cls.Matches(codePoint))
                next.Add(_states[s].Next);
        }
        return Closure(next);
    }

    public bool IsMatch(int[] states) => Array.IndexOf(states, _match) >= 0;

    /// <summary>The fewest characters that lead from <paramref name="states"/> to a match (int.MaxValue: none can).</summary>
    public int CharsToMatch(int[] states) => states.Length == 0 ? int.MaxValue : states.Min(s => _charsToMatch[s]);

    /// <summary>Per state, the fewest characters to a match, relaxed to a fixed point (the NFA has a few hundred states).</summary>
    private int[] ShortestMatches()
    {
        var distance = Enumerable.Repeat(int.MaxValue, _states.Count).ToArray();
        distance[_match] = 0;
        for (var changed = true; changed;)
        {
            changed = false;
            for (var s = 0; s < _states.Count; s++)
            {
                var best = _states[s].Class is null
                    ? _states[s].Epsilon.Select(e => distance[e]).DefaultIfEmpty(int.MaxValue).Min()
                    : distance[_states[s].Next] == int.MaxValue ? int.MaxValue : distance[_states[s].Next] + 1;
                if (s != _match && best < distance[s])
                {
                    distance[s] = best;
                    changed = true;
                }
            }
        }
        return distance;
    }

    /// <summary>
    /// The fewest characters to a match when the next one lies in [<paramref name="low"/>, <paramref name="high"/>]
    /// (that character included); int.MaxValue when no such character can be read.
    /// </summary>
    public int CharsToMatchVia(int[] states, int low, int high) => states
        .Where(s => _states[s].Class is { } cls && cls.MatchesSomeOf(low, high))
        .Select(s => _charsToMatch[s])
        .DefaultIfEmpty(int.MaxValue)
        .Min();

    private int[] Closure(IEnumerable<int> seeds)
    {
        var seen = new SortedSet<int>();
        var stack = new Stack<int>(seeds);
        while (stack.TryPop(out var s))
        {
            if (!seen.Add(s))
                continue;
            foreach (var e in _states[s].Epsilon)
                stack.Push(e);
        }
        // Only states that consume a character (or accept) matter after the closure.
        return [.. seen.Where(s => _states[s].Class is not null || s == _match)];
    }

    private int Add(State state)
    {
        _states.Add(state);
        return _states.Count - 1;
    }

    /// <summary>Compiles <paramref name="node"/> so that it continues to <paramref name="next"/>; returns its entry state.</summary>
    private int Compile(Node node, int next) => node switch
    {
        CharClass cls => Add(new State(cls, next, [])),
        Concat concat => concat.Items.Reverse().Aggregate(next, (following, item) => Compile(item, following)),
        Alternation alt => Add(new State(null, -1, [.. alt.Items.Select(item => Compile(item, next))])),
        Repeat repeat => CompileRepeat(repeat, next),
        _ => throw new InvalidOperationException(node.GetType().Name),
    };

    private int CompileRepeat(Repeat repeat, int next)
    {
        int tail;
        if (repeat.Max is null)
        {
            var loop = Add(new State(null, -1, []));
            _states[loop] = new State(null, -1, [Compile(repeat.Item, loop), next]);
            tail = loop;
        }
        else
        {
            tail = next;
            for (var i = repeat.Min; i < repeat.Max; i++)
                tail = Add(new State(null, -1, [Compile(repeat.Item, tail), next]));
        }
        for (var i = 0; i < repeat.Min; i++)
            tail = Compile(repeat.Item, tail);
        return tail;
    }

    private sealed record State(CharClass? Class, int Next, int[] Epsilon);

    private abstract record Node;

    private sealed record Concat(IReadOnlyList<Node> Items) : Node;

    private sealed record Alternation(IReadOnlyList<Node> Items) : Node;

    private sealed record Repeat(Node Item, int Min, int? Max) : Node;

    private sealed record CharClass(IReadOnlyList<(int From, int To)> Ranges, bool Negated) : Node
    {
        public bool Matches(int c) => Ranges.Any(r => c >= r.From && c <= r.To) != Negated;

        public bool MatchesSomeOf(int low, int high)
        {
            if (!Negated)
                return Ranges.Any(r => r.From <= high && r.To >= low);
            // Negated: some point of [low, high] is left uncovered by the ranges.
            var next = low;
            foreach (var (from, to) in Ranges.OrderBy(r => r.From))
            {
                if (from > next)
                    break;
                next = Math.Max(next, to + 1);
            }
            return next <= high;
        }
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public Node ParseAll()
        {
            var node = ParseAlternation();
            if (_position < text.Length)
                throw Unsupported($"'{text[_position]}' at {_position}");
            return node;
        }

        private Node ParseAlternation()
        {
            var items = new List<Node> { ParseConcat() };
            while (Peek() == '|')
            {
                _position++;
                items.Add(ParseConcat());
            }
            return items.Count == 1 ? items[0] : new Alternation(items);
        }

        private Node ParseConcat()
        {
            var items = new List<Node>();
            while (_position < text.Length && Peek() is not ('|' or ')'))
                items.Add(ParseQuantified(ParseAtom()));
            return new Concat(items);
        }

        private Node ParseQuantified(Node atom)
        {
            int min;
            int? max;
            switch (Peek())
            {
                case '*':
                    (min, max) = (0, null);
                    _position++;
                    break;
                case '+':
                    (min, max) = (1, null);
                    _position++;
                    break;
                case '?':
                    (min, max) = (0, 1);
                    _position++;
                    break;
                case '{':
                    (min, max) = ParseBraces();
                    break;
                default:
                    return atom;
            }
            if (Peek() is '?' or '+')
                throw Unsupported("lazy or possessive quantifiers");
            if (min > MaxRepeat || max > MaxRepeat)
                throw Unsupported($"repetition counts above {MaxRepeat}");
            return ParseQuantified(new Repeat(atom, min, max));
        }

        private (int, int?) ParseBraces()
        {
            var close = text.IndexOf('}', _position);
            var inside = close < 0 ? null : text[(_position + 1)..close];
            var parts = inside?.Split(',');
            static int? Number(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            (int, int?)? result = parts switch
            {
                [var exact] when Number(exact) is { } n => (n, n),
                [var from, ""] when Number(from) is { } n => (n, null),
                [var from, var to] when Number(from) is { } a && Number(to) is { } b && a <= b => (a, b),
                _ => null,
            };
            if (result is not { } bounds)
                throw Unsupported($"the quantifier at {_position}");
            _position = close + 1;
            return bounds;
        }

        private Node ParseAtom()
        {
            var c = text[_position++];
            switch (c)
            {
                case '(':
                    if (Peek() == '?')
                    {
                        if (_position + 1 < text.Length && text[_position + 1] == ':')
                            _position += 2;
                        else
                            throw Unsupported("lookaround and named groups");
                    }
                    var inner = ParseAlternation();
                    if (Peek() != ')')
                        throw Unsupported("an unclosed group");
                    _position++;
                    return inner;
                case '[':
                    return ParseClass();
                case '.':
                    return new CharClass([('\n', '\n'), ('\r', '\r')], Negated: true);
                case '\\':
                    return ParseEscape(inClass: false);
                case '^' or '$':
                    throw Unsupported("anchors other than at the ends");
                case '*' or '+' or '?' or '{' or ')':
                    throw Unsupported($"'{c}' with nothing to repeat");
                default:
                    return Literal(ReadCodePoint(c));
            }
        }

        private CharClass ParseClass()
        {
            var negated = Peek() == '^';
            if (negated)
                _position++;
            var ranges = new List<(int, int)>();
            var first = true;
            while (_position < text.Length && (Peek() != ']' || first))
            {
                first = false;
                var c = text[_position++];
                if (c == '[')
                    throw Unsupported("nested classes");
                (int From, int To) item = c == '\\' ? SingleOrClass(ParseEscape(inClass: true), ranges) : (ReadCodePoint(c), ReadCodePoint(c));
                if (item.From < 0)
                    continue;
                if (Peek() == '-' && _position + 1 < text.Length && text[_position + 1] != ']')
                {
                    _position++;
                    var toChar = text[_position++];
                    var to = toChar == '\\' ? SingleOrClass(ParseEscape(inClass: true), null).From : ReadCodePoint(toChar);
                    if (to < item.From)
                        throw Unsupported("a reversed range");
                    item = (item.From, to);
                }
                ranges.Add(item);
            }
            if (Peek() != ']')
                throw Unsupported("an unclosed class");
            _position++;
            return new CharClass(ranges, negated);
        }

        /// <summary>A single character's range, or -1 after adding a shorthand class's ranges to <paramref name="into"/>.</summary>
        private static (int From, int To) SingleOrClass(CharClass escaped, List<(int, int)>? into)
        {
            if (!escaped.Negated && escaped.Ranges is [var single] && single.From == single.To)
                return single;
            if (into is null || escaped.Negated)
                throw Unsupported("a negated shorthand or a class as a range end inside a class");
            into.AddRange(escaped.Ranges);
            return (-1, -1);
        }

        private CharClass ParseEscape(bool inClass)
        {
            if (_position >= text.Length)
                throw Unsupported("a trailing backslash");
            var c = text[_position++];
            return c switch
            {
                'd' => new CharClass([('0', '9')], false),
                'D' => new CharClass([('0', '9')], true),
                'w' => new CharClass(WordRanges, false),
                'W' => new CharClass(WordRanges, true),
                's' => new CharClass(SpaceRanges, false),
                'S' => new CharClass(SpaceRanges, true),
                't' => Literal('\t'),
                'n' => Literal('\n'),
                'r' => Literal('\r'),
                'f' => Literal('\f'),
                'v' => Literal('\v'),
                'u' when _position + 4 <= text.Length
                         && int.TryParse(text.AsSpan(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)
                    => LiteralAfter(hex, 4),
                _ when !char.IsAsciiLetterOrDigit(c) => Literal(c),
                'b' when inClass => Literal('\b'),
                _ => throw Unsupported($"the escape \\{c}"),
            };
        }

        private CharClass LiteralAfter(int codePoint, int skip)
        {
            _position += skip;
            return Literal(codePoint);
        }

        private int ReadCodePoint(char c)
        {
            if (char.IsHighSurrogate(c) && _position < text.Length && char.IsLowSurrogate(text[_position]))
                return char.ConvertToUtf32(c, text[_position++]);
            return c;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private static CharClass Literal(int codePoint) => new([(codePoint, codePoint)], false);

        private static readonly (int, int)[] WordRanges = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        private static readonly (int, int)[] SpaceRanges = [('\t', '\r'), (' ', ' ')];
    }

    private static NotSupportedException Unsupported(string what) =>
        new($"pattern uses {what}, which constrained decoding does not support");
}
