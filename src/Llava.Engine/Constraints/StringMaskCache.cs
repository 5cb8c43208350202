using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Llava.Engine.Constraints;

/// <summary>
/// The allowed tokens inside an open string, per string state, for one <see cref="TokenTrie"/>. A token either
/// stays inside the string (whether it may depends on the string's state alone: its schema, UTF-8 and escape
/// progress, pattern states, length) or closes it and goes on in the enclosing value. The first kind is computed
/// once per state and kept; for the second the cache keeps the trie nodes right after each closing quote, from
/// which the caller walks with the real enclosing stack. The string's length is part of the state only where a
/// <c>maxLength</c> makes it matter, so a schema's free-text string has one entry however long it grows.
/// </summary>
internal sealed class StringMaskCache(TokenTrie trie)
{
    /// <summary>Entries kept before the cache starts over: about 32 KB each for a 32k vocabulary.</summary>
    private const int Capacity = 512;

    private readonly ConcurrentDictionary<StringFrame, StringMask> _masks = new(StateComparer.Instance);

    public StringMask Get(StringFrame frame)
    {
        // Without maxLength, lengths past minLength all read the same: only reaching minLength unlocks the quote.
        var key = frame.Node.MaxLength is null && frame.Chars > frame.Node.MinLength ? frame with { Chars = frame.Node.MinLength } : frame;
        if (_masks.TryGetValue(key, out var mask))
            return mask;
        mask = Build(key);
        if (_masks.Count >= Capacity)
            _masks.Clear();
        _masks[key] = mask;
        return mask;
    }

    private StringMask Build(StringFrame frame)
    {
        var inside = new bool[trie.VocabularySize];
        var exits = new List<(int, StringFrame)>();
        Walk(0, frame, inside, exits);
        return new StringMask(inside, exits);
    }

    private void Walk(int node, StringFrame frame, bool[] inside, List<(int, StringFrame)> exits)
    {
        foreach (var id in trie.TokensAt(node))
            inside[id] = true;
        var bytes = trie.EdgeBytes(node);
        if (frame.Closed)
        {
            if (bytes.Length > 0)
                exits.Add((node, frame));
            return;
        }
        var targets = trie.EdgeTargets(node);
        for (var e = 0; e < bytes.Length; e++)
        {
            if (frame.Read(bytes[e]) is { } next)
                Walk(targets[e], next, inside, exits);
        }
    }

    /// <summary>
    /// String states compared by value, pattern states included (the frame record compares its pattern array by
    /// reference, and every step makes a new one).
    /// </summary>
    private sealed class StateComparer : IEqualityComparer<StringFrame>
    {
        public static readonly StateComparer Instance = new();

        public bool Equals(StringFrame? x, StringFrame? y) =>
            ReferenceEquals(x, y)
            || (x is not null && y is not null && ReferenceEquals(x.Node, y.Node) && x.Chars == y.Chars && x.Escape == y.Escape
                && x.Hex == y.Hex && x.Utf8 == y.Utf8 && x.Closed == y.Closed
                && (x.Pattern ?? []).AsSpan().SequenceEqual(y.Pattern ?? []) && (x.Pattern is null) == (y.Pattern is null));

        public int GetHashCode(StringFrame frame)
        {
            var hash = new HashCode();
            hash.Add(RuntimeHelpers.GetHashCode(frame.Node));
            hash.Add(frame.Chars);
            hash.Add(frame.Escape);
            hash.Add(frame.Hex);
            hash.Add(frame.Utf8);
            hash.Add(frame.Closed);
            foreach (var state in frame.Pattern ?? [])
                hash.Add(state);
            return hash.ToHashCode();
        }
    }
}

/// <summary>
/// One string state's tokens: <see cref="Inside"/> flags those read entirely by the string (some ending exactly on
/// its closing quote); <see cref="Exits"/> are the trie nodes just after a closing quote, with the closed string,
/// below which the enclosing value decides.
/// </summary>
internal sealed record StringMask(bool[] Inside, IReadOnlyList<(int Node, StringFrame Closed)> Exits);
