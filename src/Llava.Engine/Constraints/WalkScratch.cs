namespace Llava.Engine.Constraints;

/// <summary>
/// The stack sets of one trie walk, one list per depth, reused from walk to walk so that computing a mask does not
/// allocate a collection per trie node. Belongs to one <see cref="GrammarMatcher"/> (not thread-safe).
/// </summary>
internal sealed class WalkScratch
{
    private readonly List<List<ParseStack>> _levels = [];
    private readonly List<ParseStack> _start = [];
    private readonly HashSet<ParseStack> _seen = [];

    /// <summary><paramref name="stacks"/> as the walk's starting list; valid until the next call.</summary>
    public List<ParseStack> Start(IEnumerable<ParseStack> stacks)
    {
        _start.Clear();
        _start.AddRange(stacks);
        return _start;
    }

    /// <summary>
    /// Every stack <paramref name="stacks"/> can become by reading <paramref name="b"/>, without duplicates; valid
    /// until the next call at the same <paramref name="depth"/>.
    /// </summary>
    public List<ParseStack> Advance(List<ParseStack> stacks, byte b, int depth)
    {
        while (_levels.Count <= depth)
            _levels.Add([]);
        var next = _levels[depth];
        next.Clear();
        foreach (var stack in stacks)
            ParseStack.Advance(stack, b, next);
        // Duplicates only arise from undecided alternatives; left in, they would multiply the walk below.
        if (next.Count > 1)
        {
            _seen.Clear();
            var kept = 0;
            for (var i = 0; i < next.Count; i++)
            {
                if (_seen.Add(next[i]))
                    next[kept++] = next[i];
            }
            next.RemoveRange(kept, next.Count - kept);
        }
        return next;
    }
}
