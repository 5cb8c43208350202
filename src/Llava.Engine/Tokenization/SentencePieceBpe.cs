using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// SentencePiece's BPE segmentation of one text segment (no added tokens inside), reproducing
/// <c>bpe_model.cc</c>: start from single characters, repeatedly merge the adjacent pair with the best
/// score whose concatenation is a vocabulary piece (ties go to the leftmost pair), then spell every
/// symbol that is not a piece as its UTF-8 bytes with the <c>&lt;0xNN&gt;</c> pieces. Spaces become ▁ and
/// the leading ▁ is the caller's decision, as in Hugging Face's pipeline (not the model's own
/// <c>add_dummy_prefix</c>, which the fast tokenizer never reads).
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers applies equal-priority merges in a different order, which changes the ids of
/// repeated-character runs; this class is what makes the ids match SentencePiece and Hugging Face.
/// </remarks>
internal sealed class SentencePieceBpe
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _pieceLookup;
    private readonly float[] _scores;
    private readonly int[] _byteIds;

    public SentencePieceBpe(SentencePieceModel model)
    {
        EnsureSupported(model);

        var pieces = new Dictionary<string, int>(model.Pieces.Count, StringComparer.Ordinal);
        var bytePieces = new Dictionary<string, int>(256, StringComparer.Ordinal);
        for (var id = 0; id < model.Pieces.Count; id++)
        {
            // Only normal pieces take part in merges; control, unknown and byte pieces are reachable only
            // by id, exactly as SentencePiece keeps them out of its merge dictionary.
            var target = model.Types[id] switch
            {
                SentencePieceType.Normal => pieces,
                SentencePieceType.Byte => bytePieces,
                _ => null,
            };
            if (target is not null && !target.TryAdd(model.Pieces[id], id))
                throw new InvalidDataException($"Duplicate SentencePiece piece '{model.Pieces[id]}'.");
        }

        _byteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            var name = $"<0x{b:X2}>";
            _byteIds[b] = bytePieces.TryGetValue(name, out var id)
                ? id
                : throw new InvalidDataException($"Byte fallback is enabled but the piece {name} is missing.");
        }

        _pieceLookup = pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _scores = [.. model.Scores];
    }

    /// <summary>
    /// Appends the ids of one text segment to <paramref name="output"/>. Empty text yields nothing.
    /// <paramref name="prependWhitespace"/> puts a ▁ in front; <paramref name="splitAtWhitespace"/> keeps pieces
    /// from reaching across a ▁ (Metaspace <c>split</c>: each ▁ starts a new word, encoded on its own).
    /// </summary>
    public void Encode(ReadOnlySpan<char> text, bool prependWhitespace, bool splitAtWhitespace, List<int> output)
    {
        if (text.IsEmpty)
            return;

        var normalized = Normalize(text, prependWhitespace);
        var symbols = SplitIntoCharacters(normalized);
        MergeAll(normalized, symbols, splitAtWhitespace);
        EmitIds(normalized, symbols, output);
    }

    private static string Normalize(ReadOnlySpan<char> text, bool prependWhitespace)
    {
        var prefix = prependWhitespace ? 1 : 0;
        var buffer = new char[text.Length + prefix];
        if (prependWhitespace)
            buffer[0] = EncodingRules.WhitespaceSymbol;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ')
                c = EncodingRules.WhitespaceSymbol;
            else if (char.IsSurrogate(c) && !IsSurrogatePairAt(text, i) && !IsSurrogatePairAt(text, i - 1))
                c = '\uFFFD'; // what SentencePiece makes of an unencodable character
            buffer[i + prefix] = c;
        }
        return new string(buffer);
    }

    private static bool IsSurrogatePairAt(ReadOnlySpan<char> text, int index) =>
        index >= 0 && index + 1 < text.Length && char.IsSurrogatePair(text[index], text[index + 1]);

    private static Symbol[] SplitIntoCharacters(string normalized)
    {
        var count = 0;
        for (var i = 0; i < normalized.Length; i += CharacterLength(normalized, i))
            count++;

        var symbols = new Symbol[count];
        var start = 0;
        for (var index = 0; index < count; index++)
        {
            var length = CharacterLength(normalized, start);
            symbols[index] = new Symbol(start, length, index - 1, index + 1 < count ? index + 1 : -1);
            start += length;
        }
        return symbols;
    }

    private static int CharacterLength(string text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;

    private void MergeAll(string normalized, Symbol[] symbols, bool splitAtWhitespace)
    {
        var agenda = new MergeAgenda(symbols.Length);
        for (var i = 1; i < symbols.Length; i++)
            TryQueuePair(normalized, symbols, agenda, i - 1, i, splitAtWhitespace);

        while (agenda.TryPop(out var top))
        {
            ref var left = ref symbols[top.Left];
            ref var right = ref symbols[top.Right];

            // A queued pair is stale once either side has been merged into something else; a live pair
            // still spans exactly the characters it was queued with.
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Length)
                continue;

            left.Length += right.Length;
            left.Next = right.Next;
            if (right.Next >= 0)
                symbols[right.Next].Prev = top.Left;
            right.Length = 0;

            TryQueuePair(normalized, symbols, agenda, left.Prev, top.Left, splitAtWhitespace);
            TryQueuePair(normalized, symbols, agenda, top.Left, left.Next, splitAtWhitespace);
        }
    }

    private void TryQueuePair(
        string normalized, Symbol[] symbols, MergeAgenda agenda, int left, int right, bool splitAtWhitespace)
    {
        if (left < 0 || right < 0)
            return;
        // Cutting the text before every ▁ and encoding the words apart is the same as never merging into a ▁
        // from the left: merges stay inside a word, and words do not influence each other's merges.
        if (splitAtWhitespace && normalized[symbols[right].Start] == EncodingRules.WhitespaceSymbol)
            return;
        var length = symbols[left].Length + symbols[right].Length;
        if (!_pieceLookup.TryGetValue(normalized.AsSpan(symbols[left].Start, length), out var id))
            return;
        agenda.Push(new MergeCandidate(left, right, length, _scores[id]));
    }

    private void EmitIds(string normalized, Symbol[] symbols, List<int> output)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var index = 0; index >= 0; index = symbols[index].Next)
        {
            var piece = normalized.AsSpan(symbols[index].Start, symbols[index].Length);
            if (_pieceLookup.TryGetValue(piece, out var id))
            {
                output.Add(id);
                continue;
            }
            // Only single characters can be out of the vocabulary (merges always produce pieces).
            var byteCount = Encoding.UTF8.GetBytes(piece, utf8);
            for (var b = 0; b < byteCount; b++)
                output.Add(_byteIds[utf8[b]]);
        }
    }

    private static void EnsureSupported(SentencePieceModel model)
    {
        static void Require(bool condition, string what)
        {
            if (!condition)
                throw new NotSupportedException($"Unsupported SentencePiece model: {what}.");
        }

        Require(model.IsBpe, $"model_type {model.ModelType} (only BPE, 2, is implemented)");
        Require(model.ByteFallback, "byte_fallback is false");
        Require(!model.TreatWhitespaceAsSuffix, "treat_whitespace_as_suffix is true");
        Require(!model.RemoveExtraWhitespaces, "remove_extra_whitespaces is true");
        Require(model.PrecompiledCharsMapLength == 0,
            $"normalizer '{model.NormalizerName}' has a precompiled character map (only identity is implemented)");
        Require(!model.Types.Contains(SentencePieceType.UserDefined), "it has user-defined pieces");
        Require(!model.Types.Contains(SentencePieceType.Unused), "it has unused pieces");
    }

    private struct Symbol(int start, int length, int prev, int next)
    {
        public int Start = start;
        public int Length = length;
        public int Prev = prev;
        public int Next = next;
    }
}
