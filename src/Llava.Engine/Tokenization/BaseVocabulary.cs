namespace Llava.Engine.Tokenization;

/// <summary>Segments one run of text that holds no added token into ids.</summary>
internal interface ISegmentEncoder
{
    void Encode(ReadOnlySpan<char> segment, bool atInputStart, List<int> output);
}

/// <summary>
/// What the tokenizer model file gives <see cref="LlavaTokenizer"/>: the model's tokens by id, how a segment is
/// encoded and ids are decoded, the model's own bos/eos/unk ids (-1 where it names none), the added tokens it
/// defines itself, and, for a <c>tokenizer.json</c> whose post-processor decides them, the ids that
/// <c>add_special_tokens</c> puts around a text (null: the configuration's add_bos/add_eos decide).
/// </summary>
internal sealed record BaseVocabulary(
    IReadOnlyList<string?> Tokens,
    ISegmentEncoder Segments,
    DecodingRules Decoding,
    int BosId,
    int EosId,
    int UnkId,
    IReadOnlyList<AddedTokenDefinition> AddedTokens,
    (IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix)? SpecialTokenTemplate)
{
    /// <summary>A Llama SentencePiece <c>tokenizer.model</c>, encoded with the rules the checkpoint's fast-tokenizer pipeline amounts to.</summary>
    public static BaseVocabulary FromSentencePiece(SentencePieceModel model, EncodingRules encoding, DecodingRules decoding) =>
        new(model.Pieces, new SentencePieceSegments(new SentencePieceBpe(model), encoding), decoding,
            model.BosId, model.EosId, model.UnkId, [], null);

    /// <summary>A byte-level BPE <c>tokenizer.json</c> (Llama 3): its post-processor decides the special tokens around a text.</summary>
    public static BaseVocabulary FromByteLevel(ByteLevelTokenizerFile file)
    {
        var tokens = new string[file.Vocabulary.Count == 0 ? 0 : file.Vocabulary.Values.Max() + 1];
        foreach (var (token, id) in file.Vocabulary)
            tokens[id] = token;
        var bpe = new ByteLevelBpe(file.Vocabulary, file.Merges, file.IgnoreMerges);
        return new(tokens, new ByteLevelSegments(bpe), DecodingRules.ByteLevelDecoder, -1, -1, -1,
            file.AddedTokens, (file.PrefixIds, file.SuffixIds));
    }

    private sealed class SentencePieceSegments(SentencePieceBpe bpe, EncodingRules rules) : ISegmentEncoder
    {
        public void Encode(ReadOnlySpan<char> segment, bool atInputStart, List<int> output) =>
            bpe.Encode(segment, rules.PrependsWhitespace(segment, atInputStart), rules.SplitAtWhitespace, output);
    }

    private sealed class ByteLevelSegments(ByteLevelBpe bpe) : ISegmentEncoder
    {
        public void Encode(ReadOnlySpan<char> segment, bool atInputStart, List<int> output)
        {
            var pieces = new List<(int Start, int Length)>();
            Llama3PreTokenizer.Split(segment, pieces);
            foreach (var (start, length) in pieces)
                bpe.Encode(segment.Slice(start, length), output);
        }
    }
}
