using Llava.Engine.Tokenization;

namespace Llava.Engine.Constraints;

/// <summary>
/// Every token's bytes in one trie, built once per tokenizer, so that a grammar's allowed tokens are found by
/// walking the trie with the grammar: a prefix the grammar refuses cuts off every token below it at once.
/// Special tokens are not in it: end-of-sequence is decided by <see cref="GrammarMatcher.IsComplete"/>, and
/// other special tokens are never allowed under a constraint.
/// </summary>
public sealed class TokenTrie
{
    private readonly List<Node> _nodes = [new()];

    public TokenTrie(LlavaTokenizer tokenizer)
    {
        VocabularySize = tokenizer.VocabularySize;
        for (var id = 0; id < tokenizer.VocabularySize; id++)
        {
            if (tokenizer.IsSpecial(id) || !tokenizer.HasToken(id))
                continue;
            var bytes = tokenizer.TokenBytes(id);
            if (bytes.Length == 0)
                continue;
            var node = 0;
            foreach (var b in bytes)
            {
                var children = _nodes[node].Children;
                if (!children.TryGetValue(b, out var child))
                {
                    child = _nodes.Count;
                    _nodes.Add(new Node());
                    children[b] = child;
                }
                node = child;
            }
            _nodes[node].Tokens.Add(id);
        }
    }

    public int VocabularySize { get; }

    /// <summary>Sets <paramref name="allowed"/>[id] for every token the matcher can read next (end-of-sequence aside).</summary>
    public void FillAllowed(GrammarMatcher matcher, Span<bool> allowed)
    {
        allowed.Clear();
        Visit(0, matcher.Stacks, allowed);
    }

    private void Visit(int node, IReadOnlyCollection<ParseStack> stacks, Span<bool> allowed)
    {
        foreach (var id in _nodes[node].Tokens)
            allowed[id] = true;
        foreach (var (b, child) in _nodes[node].Children)
        {
            var next = GrammarMatcher.Advance(stacks, b);
            if (next.Count > 0)
                Visit(child, next, allowed);
        }
    }

    private sealed class Node
    {
        public Dictionary<byte, int> Children { get; } = [];
        public List<int> Tokens { get; } = [];
    }
}
