namespace Llava.Engine.Constraints;

/// <summary>
/// One sequence's grammar state on the engine: its own <see cref="GrammarMatcher"/> (n &gt; 1 gives each choice one)
/// and the mask of tokens it allows next. End-of-sequence tokens are allowed only once the output is a complete
/// value, and once nothing else can follow they are all that is allowed.
/// </summary>
internal sealed class SequenceConstraint(JsonGrammar grammar, TokenTrie trie, IReadOnlySet<int> endTokens)
{
    private readonly GrammarMatcher _matcher = grammar.CreateMatcher();
    private bool[] _allowed = [];

    /// <summary>
    /// The tokens allowed next, one flag per logit (ids past the vocabulary, like a model's padding rows, are
    /// never allowed). Empty when nothing may come: the value is complete, nothing can extend it and the sequence
    /// has no end token it may sample (<c>ignore_eos</c>), so it must stop without one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The grammar allows nothing and the value is incomplete (a dead end).</exception>
    public ReadOnlySpan<bool> NextAllowed(int logitCount)
    {
        if (_allowed.Length != logitCount)
            _allowed = new bool[logitCount];
        trie.FillAllowed(_matcher, _allowed);
        var any = _allowed.AsSpan().Contains(true);
        if (_matcher.IsComplete)
        {
            foreach (var id in endTokens)
            {
                if ((uint)id < (uint)logitCount)
                    _allowed[id] = any = true;
            }
        }
        else if (!any)
            throw new InvalidOperationException("The output grammar allows no token after the text generated so far.");
        return any ? _allowed : [];
    }

    /// <summary>Reads the sampled token; end tokens end the sequence and are not part of the value.</summary>
    public void Accept(int token)
    {
        if (endTokens.Contains(token))
            return;
        if (trie.TokenBytes(token) is not { } bytes || !_matcher.TryAdvance(bytes))
            throw new InvalidOperationException($"Token {token} was sampled but the output grammar does not allow it.");
    }
}
