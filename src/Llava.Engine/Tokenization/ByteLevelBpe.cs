using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Hugging Face's byte-level BPE model (GPT-2 style, as Llama 3 uses it): a piece's UTF-8 bytes are spelled in
/// <see cref="ByteLevelAlphabet"/>, and adjacent symbols are merged in order of merge rank, the lowest first and
/// the leftmost among equals, as the tokenizers library's <c>Word::merge_all</c> does. With
/// <c>ignore_merges</c> a piece that is itself in the vocabulary is taken whole, merges or not.
/// </summary>
internal sealed class ByteLevelBpe
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabulary;
    private readonly Dictionary<(int Left, int Right), (int Rank, int Merged)> _merges;
    private readonly int[] _byteIds = new int[256];
    private readonly bool _ignoreMerges;

    public ByteLevelBpe(Dictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges, bool ignoreMerges)
    {
        _vocabulary = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _ignoreMerges = ignoreMerges;
        for (var b = 0; b < 256; b++)
        {
            var spelled = ByteLevelAlphabet.ToChar((byte)b).ToString();
            _byteIds[b] = vocabulary.TryGetValue(spelled, out var id)
                ? id
                : throw new InvalidDataException($"The byte-level vocabulary has no token for byte 0x{b:X2} ('{spelled}').");
        }

        _merges = new Dictionary<(int, int), (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            int Id(string token) => vocabulary.TryGetValue(token, out var id)
                ? id
                : throw new InvalidDataException($"Merge {rank} ('{left}' '{right}') names '{token}', which is not in the vocabulary.");
            // The first listing of a pair is the one the tokenizers library keeps.
            _merges.TryAdd((Id(left), Id(right)), (rank, Id(left + right)));
        }
    }

    /// <summary>Appends the ids of one pre-tokenized piece (no added tokens inside) to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> piece, List<int> output)
    {
        if (piece.IsEmpty)
            return;
        var bytes = new byte[Encoding.UTF8.GetByteCount(piece)];
        Encoding.UTF8.GetBytes(piece, bytes);
        if (_ignoreMerges)
        {
            Span<char> spelled = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
            for (var i = 0; i < bytes.Length; i++)
                spelled[i] = ByteLevelAlphabet.ToChar(bytes[i]);
            if (_vocabulary.TryGetValue(spelled, out var whole))
            {
                output.Add(whole);
                return;
            }
        }

        var symbols = new Symbol[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            symbols[i] = new Symbol(_byteIds[bytes[i]], 1, i - 1, i + 1 < bytes.Length ? i + 1 : -1);
        MergeAll(symbols);
        for (var index = 0; index >= 0; index = symbols[index].Next)
            output.Add(symbols[index].Id);
    }

    private void MergeAll(Symbol[] symbols)
    {
        // MergeAgenda pops the highest score first, so a lower rank is a higher score.
        var agenda = new MergeAgenda(symbols.Length);
        for (var i = 1; i < symbols.Length; i++)
            TryQueuePair(symbols, agenda, i - 1, i);

        while (agenda.TryPop(out var top))
        {
            ref var left = ref symbols[top.Left];
            ref var right = ref symbols[top.Right];
            // Stale once either side was merged into something else (see SentencePieceBpe).
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Length)
                continue;

            left.Id = _merges[(left.Id, right.Id)].Merged;
            left.Length += right.Length;
            left.Next = right.Next;
            if (right.Next >= 0)
                symbols[right.Next].Prev = top.Left;
            right.Length = 0;

            TryQueuePair(symbols, agenda, left.Prev, top.Left);
            TryQueuePair(symbols, agenda, top.Left, left.Next);
        }
    }

    private void TryQueuePair(Symbol[] symbols, MergeAgenda agenda, int left, int right)
    {
        if (left < 0 || right < 0 || !_merges.TryGetValue((symbols[left].Id, symbols[right].Id), out var merge))
            return;
        agenda.Push(new MergeCandidate(left, right, symbols[left].Length + symbols[right].Length, -merge.Rank));
    }

    private struct Symbol(int id, int length, int prev, int next)
    {
        public int Id = id;
        public int Length = length;
        public int Prev = prev;
        public int Next = next;
    }
}
