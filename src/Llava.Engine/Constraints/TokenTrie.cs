using System.Runtime.CompilerServices;
using Llava.Engine.Tokenization;

namespace Llava.Engine.Constraints;

/// <summary>
/// Every token's bytes in one trie, built once per tokenizer (<see cref="For"/>), so that a grammar's allowed tokens
/// are found by walking the trie with the grammar: a prefix the grammar refuses cuts off every token below it at
/// once. Byte-fallback pieces (<c>&lt;0xNN&gt;</c>) are the single byte they stand for, so a character may be
/// spelled across tokens. Special tokens are not in it: end-of-sequence is decided by
/// <see cref="GrammarMatcher.IsComplete"/>, and other special tokens are never allowed under a constraint.
/// Thread-safe: sequences of one batch compute their masks in parallel.
/// </summary>
public sealed class TokenTrie
{
    private static readonly ConditionalWeakTable<LlavaTokenizer, TokenTrie> PerTokenizer = new();

    // Flattened nodes (node 0 is the root): a node's edges are _edgeBytes/_edgeTargets[_edgeStart[n] .. _edgeStart[n + 1]),
    // its tokens (those spelled exactly by the path to it) _tokenIds[_tokenStart[n] .. _tokenStart[n + 1]).
    private readonly int[] _edgeStart;
    private readonly byte[] _edgeBytes;
    private readonly int[] _edgeTargets;
    private readonly int[] _tokenStart;
    private readonly int[] _tokenIds;
    private readonly byte[]?[] _tokenBytes;
    private readonly StringMaskCache _strings;

    public TokenTrie(LlavaTokenizer tokenizer)
    {
        VocabularySize = tokenizer.VocabularySize;
        _tokenBytes = new byte[VocabularySize][];
        var children = new List<SortedDictionary<byte, int>> { new() };
        var tokens = new List<List<int>> { new() };
        for (var id = 0; id < VocabularySize; id++)
        {
            if (tokenizer.IsSpecial(id) || !tokenizer.HasToken(id))
                continue;
            var bytes = tokenizer.TokenBytes(id);
            if (bytes.Length == 0)
                continue;
            _tokenBytes[id] = bytes;
            var node = 0;
            foreach (var b in bytes)
            {
                if (!children[node].TryGetValue(b, out var child))
                {
                    child = children.Count;
                    children.Add(new SortedDictionary<byte, int>());
                    tokens.Add([]);
                    children[node][b] = child;
                }
                node = child;
            }
            tokens[node].Add(id);
        }

        NodeCount = children.Count;
        _edgeStart = new int[NodeCount + 1];
        _tokenStart = new int[NodeCount + 1];
        for (var n = 0; n < NodeCount; n++)
        {
            _edgeStart[n + 1] = _edgeStart[n] + children[n].Count;
            _tokenStart[n + 1] = _tokenStart[n] + tokens[n].Count;
        }
        _edgeBytes = new byte[_edgeStart[NodeCount]];
        _edgeTargets = new int[_edgeStart[NodeCount]];
        _tokenIds = new int[_tokenStart[NodeCount]];
        for (var n = 0; n < NodeCount; n++)
        {
            var edge = _edgeStart[n];
            foreach (var (b, child) in children[n])
            {
                _edgeBytes[edge] = b;
                _edgeTargets[edge++] = child;
            }
            tokens[n].CopyTo(_tokenIds, _tokenStart[n]);
        }
        _strings = new StringMaskCache(this);
    }

    /// <summary>The trie of <paramref name="tokenizer"/>, built on first use and shared by every sequence after.</summary>
    public static TokenTrie For(LlavaTokenizer tokenizer) => PerTokenizer.GetValue(tokenizer, t => new TokenTrie(t));

    public int VocabularySize { get; }

    internal int NodeCount { get; }

    /// <summary>The bytes a grammar reads for <paramref name="id"/>; null for special tokens and gaps.</summary>
    public byte[]? TokenBytes(int id) => (uint)id < (uint)_tokenBytes.Length ? _tokenBytes[id] : null;

    /// <summary>
    /// Sets <paramref name="allowed"/>[id] for every token the matcher can read next (end-of-sequence aside) and
    /// clears the rest; <paramref name="allowed"/> may be longer than the vocabulary (the model's padded rows).
    /// </summary>
    public void FillAllowed(GrammarMatcher matcher, Span<bool> allowed)
    {
        allowed.Clear();
        var stacks = matcher.Stacks;
        // Inside a string nearly every token is allowed and the walk would visit the whole trie; what depends on
        // the string's own state alone is cached, and only the tokens that close it are walked with the rest.
        if (stacks.Count == 1 && stacks.First() is { Top: StringFrame { Closed: false } str } stack)
        {
            var mask = _strings.Get(str);
            mask.Inside.CopyTo(allowed);
            foreach (var (node, closed) in mask.Exits)
                VisitChildren(node, matcher.Scratch.Start([new ParseStack(closed, stack.Rest)]), allowed, matcher.Scratch, 0);
            return;
        }
        Visit(0, matcher.Scratch.Start(stacks), allowed, matcher.Scratch, 0);
    }

    private void Visit(int node, List<ParseStack> stacks, Span<bool> allowed, WalkScratch scratch, int depth)
    {
        for (var t = _tokenStart[node]; t < _tokenStart[node + 1]; t++)
            allowed[_tokenIds[t]] = true;
        VisitChildren(node, stacks, allowed, scratch, depth);
    }

    private void VisitChildren(int node, List<ParseStack> stacks, Span<bool> allowed, WalkScratch scratch, int depth)
    {
        for (var e = _edgeStart[node]; e < _edgeStart[node + 1]; e++)
        {
            var next = scratch.Advance(stacks, _edgeBytes[e], depth);
            if (next.Count > 0)
                Visit(_edgeTargets[e], next, allowed, scratch, depth + 1);
        }
    }

    internal ReadOnlySpan<byte> EdgeBytes(int node) => _edgeBytes.AsSpan(_edgeStart[node], _edgeStart[node + 1] - _edgeStart[node]);

    internal ReadOnlySpan<int> EdgeTargets(int node) => _edgeTargets.AsSpan(_edgeStart[node], _edgeStart[node + 1] - _edgeStart[node]);

    internal ReadOnlySpan<int> TokensAt(int node) => _tokenIds.AsSpan(_tokenStart[node], _tokenStart[node + 1] - _tokenStart[node]);
}
