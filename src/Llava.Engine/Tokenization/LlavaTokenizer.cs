namespace Llava.Engine.Tokenization;

/// <summary>
/// The tokenizer of a LLaVA checkpoint, giving the ids Hugging Face's fast tokenizer gives for every string and
/// decoding as its decoder does: a Llama SentencePiece vocabulary (<c>LlamaTokenizerFast</c>, in legacy mode, where
/// every text segment gets its own ▁, or non-legacy mode, where only the start of the input does, as the checkpoint
/// configures it), or a byte-level BPE <c>tokenizer.json</c> (Llama 3). Immutable after loading, so safe to share between threads
/// (each <see cref="StreamingDetokenizer"/> is single-stream state, not to be shared).
/// </summary>
public sealed class LlavaTokenizer
{
    public const string ModelFileName = "tokenizer.model";

    private readonly ISegmentEncoder _segments;
    private readonly AddedTokenSplitter _splitter;
    private readonly int[] _prefixIds;
    private readonly int[] _suffixIds;
    private readonly string?[] _tokenText;
    private readonly bool[] _special;
    private readonly DecodeTable _decodeTable;

    private LlavaTokenizer(BaseVocabulary vocabulary, TokenizerConfiguration config)
    {
        _segments = vocabulary.Segments;
        var tokens = vocabulary.Tokens;

        var pieceIds = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Count; id++)
        {
            if (tokens[id] is { } token)
                pieceIds.TryAdd(token, id);
        }
        AddedTokenDefinition[] addedTokens = [.. vocabulary.AddedTokens, .. config.AddedTokens];
        var addedIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in addedTokens)
            addedIds[token.Content] = token.Id;

        int? Resolve(string content) =>
            addedIds.TryGetValue(content, out var added) ? added
            : pieceIds.TryGetValue(content, out var piece) ? piece
            : null;
        int? ResolveNamed(string? configured, int modelId, string role)
        {
            // Without a configured name, the tokenizer model's own bos/eos/unk token is the one meant.
            var content = configured ?? ((uint)modelId < (uint)tokens.Count ? tokens[modelId] : null);
            if (content is null)
                return null;
            return Resolve(content)
                ?? throw new InvalidDataException($"The {role} token '{content}' is neither an added token nor a piece.");
        }

        BosTokenId = ResolveNamed(config.BosToken, vocabulary.BosId, "bos")
            ?? throw new InvalidDataException("No bos token is configured and the tokenizer model has none.");
        EosTokenId = ResolveNamed(config.EosToken, vocabulary.EosId, "eos")
            ?? throw new InvalidDataException("No eos token is configured and the tokenizer model has none.");
        UnkTokenId = ResolveNamed(config.UnkToken, vocabulary.UnkId, "unk");
        PadTokenId = ResolveNamed(config.PadToken, -1, "pad");
        ImageTokenId = Resolve(config.ImageToken);
        _prefixIds = vocabulary.SpecialTokenTemplate is var (prefix, _) ? [.. prefix] : config.AddBosToken ? [BosTokenId] : [];
        _suffixIds = vocabulary.SpecialTokenTemplate is var (_, suffix) ? [.. suffix] : config.AddEosToken ? [EosTokenId] : [];

        VocabularySize = Math.Max(tokens.Count, addedTokens.Select(t => t.Id + 1).DefaultIfEmpty(0).Max());
        _tokenText = new string?[VocabularySize];
        _special = new bool[VocabularySize];
        for (var id = 0; id < tokens.Count; id++)
            _tokenText[id] = tokens[id];
        foreach (var token in addedTokens)
        {
            _tokenText[token.Id] = token.Content;
            _special[token.Id] = token.Special;
        }

        // Hugging Face matches every added token and every named special token verbatim before segmenting.
        var verbatim = new Dictionary<string, int>(addedIds, StringComparer.Ordinal);
        int?[] namedIds = [BosTokenId, EosTokenId, UnkTokenId];
        var namedSpecial = config.SpecialTokenContents
            .Concat(namedIds.OfType<int>().Select(id => _tokenText[id]!));
        foreach (var content in namedSpecial)
        {
            if (Resolve(content) is not { } id)
                continue;
            _special[id] = true;
            verbatim.TryAdd(content, id);
        }
        _splitter = new AddedTokenSplitter(verbatim.Select(p => (p.Key, p.Value)));
        MaxCharactersPerToken = tokens.OfType<string>().Concat(verbatim.Keys).Max(content => content.Length);
        _decodeTable = new DecodeTable(_tokenText, _special, vocabulary.Decoding);
    }

    public int BosTokenId { get; }
    public int EosTokenId { get; }
    public int? PadTokenId { get; }

    /// <summary>Null for a vocabulary without an unknown token (byte-level BPE spells everything in bytes).</summary>
    public int? UnkTokenId { get; }

    /// <summary>Id of the image placeholder token (<c>&lt;image&gt;</c>), null when the vocabulary has none.</summary>
    public int? ImageTokenId { get; }

    /// <summary>SentencePiece pieces plus added tokens; the model's embedding may have more rows.</summary>
    public int VocabularySize { get; }

    /// <summary>Whether <see cref="Encode"/> with special tokens starts the ids with BOS.</summary>
    public bool AddBosToken => _prefixIds is [var first, ..] && first == BosTokenId;

    /// <summary>Whether <see cref="Encode"/> with special tokens ends the ids with EOS.</summary>
    public bool AddEosToken => _suffixIds is [.., var last] && last == EosTokenId;

    /// <summary>
    /// The most characters of input one token can stand for, bounded by the longest token text (a ▁ stands for
    /// one space, a byte-level token spells at least as many bytes as it stands for characters) or token matched
    /// verbatim. A text longer than this many characters per token allowed cannot fit, whatever its tokens.
    /// </summary>
    public int MaxCharactersPerToken { get; }

    /// <summary>
    /// Reads a Hugging Face model folder's tokenizer: <c>tokenizer.model</c> (SentencePiece; then
    /// <c>tokenizer.json</c>, when present, sets the ▁-prefix and decoding rules), or, without it, a byte-level BPE
    /// <c>tokenizer.json</c> (Llama 3); and <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> and
    /// <c>added_tokens.json</c> when present.
    /// </summary>
    public static LlavaTokenizer Load(string modelDir)
    {
        if (!Directory.Exists(modelDir))
            throw new DirectoryNotFoundException($"Tokenizer folder not found: {modelDir}");
        var config = TokenizerConfiguration.Load(modelDir);
        var modelPath = Path.Combine(modelDir, ModelFileName);
        var fastPath = Path.Combine(modelDir, TokenizerConfiguration.FastTokenizerFileName);
        if (File.Exists(modelPath))
        {
            var (encoding, decoding) = FastTokenizerPipeline.Resolve(fastPath, config.AddPrefixSpace, config.Legacy);
            return new LlavaTokenizer(BaseVocabulary.FromSentencePiece(SentencePieceModel.Load(modelPath), encoding, decoding), config);
        }
        if (File.Exists(fastPath))
            return new LlavaTokenizer(BaseVocabulary.FromByteLevel(ByteLevelTokenizerFile.Read(fastPath)), config);
        throw new FileNotFoundException(
            $"Neither the SentencePiece model {ModelFileName} nor {TokenizerConfiguration.FastTokenizerFileName} is in {modelDir}.", modelPath);
    }

    /// <summary>
    /// Hugging Face's <c>tokenizer(text).input_ids</c>: added tokens are matched first, every text segment
    /// between them is segmented on its own (for SentencePiece, a leading ▁ on every segment in legacy mode, only
    /// on one that starts the input in non-legacy mode), and the special tokens the tokenizer puts around a text
    /// (BOS/EOS as configured, or a byte-level file's post-processor) are added when
    /// <paramref name="addSpecialTokens"/> is set.
    /// </summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addSpecialTokens)
            ids.AddRange(_prefixIds);
        foreach (var split in _splitter.Split(text))
        {
            if (split.AddedTokenId is { } id)
            {
                ids.Add(id);
                continue;
            }
            _segments.Encode(text.AsSpan(split.Start, split.Length), atInputStart: split.Start == 0, ids);
        }
        if (addSpecialTokens)
            ids.AddRange(_suffixIds);
        return ids;
    }

    /// <summary>
    /// Hugging Face's fast <c>decode</c> with the checkpoint's decoder (for Llama: ▁ becomes a space, byte tokens
    /// are fused into UTF-8 — a run that is not valid UTF-8 becomes one U+FFFD per byte — and one leading space
    /// is stripped from the whole text unless <c>add_prefix_space</c> is off); ids without a token are dropped.
    /// </summary>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var builder = new DecodedTextBuilder(_decodeTable, skipSpecialTokens);
        foreach (var id in ids)
            builder.Add(id);
        return builder.TakeAll();
    }

    /// <summary>UTF-8 bytes of one token's text (▁ as space, <c>&lt;0xNN&gt;</c> as that byte), as OpenAI logprobs carry them.</summary>
    public byte[] TokenBytes(int id)
    {
        EnsureToken(id);
        return _decodeTable.Bytes(id);
    }

    /// <summary>The raw piece or added-token content, e.g. <c>▁fog</c>, <c>&lt;0x0A&gt;</c>, <c>&lt;image&gt;</c>.</summary>
    public string TokenText(int id)
    {
        EnsureToken(id);
        return _tokenText[id]!;
    }

    public bool IsSpecial(int id) => (uint)id < (uint)VocabularySize && _special[id];

    /// <summary>Whether <paramref name="id"/> names a token (ids below <see cref="VocabularySize"/> may be gaps).</summary>
    public bool HasToken(int id) => (uint)id < (uint)VocabularySize && _tokenText[id] is not null;

    public StreamingDetokenizer CreateStreamingDetokenizer(bool skipSpecialTokens = true) =>
        new(_decodeTable, skipSpecialTokens);

    private void EnsureToken(int id)
    {
        if (!HasToken(id))
            throw new ArgumentOutOfRangeException(nameof(id), id, $"No token has id {id} (vocabulary size {VocabularySize}).");
    }
}
