namespace Llava.Engine.Constraints;

/// <summary>
/// One sequence's progress through a <see cref="JsonGrammar"/>: the set of ways the bytes generated so far can be
/// read. Not thread-safe: it belongs to its sequence.
/// </summary>
public sealed class GrammarMatcher
{
    private IReadOnlyCollection<ParseStack> _stacks;

    internal GrammarMatcher(JsonGrammar grammar) =>
        _stacks = [new ParseStack(new RootFrame(grammar.Root, false, false), null)];

    /// <summary>Whether the output so far is one complete value, so end-of-sequence may come now.</summary>
    public bool IsComplete => _stacks.Any(ParseStack.IsComplete);

    internal IReadOnlyCollection<ParseStack> Stacks => _stacks;

    /// <summary>Reused by <see cref="TokenTrie.FillAllowed"/> for this matcher's walks.</summary>
    internal WalkScratch Scratch { get; } = new();

    /// <summary>Reads <paramref name="bytes"/> (a token's); false, and nothing changes, when the grammar does not allow them.</summary>
    public bool TryAdvance(ReadOnlySpan<byte> bytes)
    {
        var stacks = _stacks;
        foreach (var b in bytes)
        {
            stacks = Advance(stacks, b);
            if (stacks.Count == 0)
                return false;
        }
        _stacks = stacks;
        return true;
    }

    internal static IReadOnlyCollection<ParseStack> Advance(IReadOnlyCollection<ParseStack> stacks, byte b)
    {
        var next = new HashSet<ParseStack>();
        foreach (var stack in stacks)
            ParseStack.Advance(stack, b, next);
        return next;
    }
}
