namespace Llava.Engine.Tokenization;

/// <summary>
/// The Llama SentencePiece tokenizer of a LLaVA checkpoint, giving the ids Hugging Face's
/// <c>LlamaTokenizerFast</c> gives for every string, in legacy mode (every text segment gets its own ▁) or
/// non-legacy mode (only the start of the input does), as the checkpoint configures it, and decoding as
/// that tokenizer's decoder does. Immutable after loading, so safe to share between threads
/// (each <see cref="StreamingDetokenizer"/> is single-stream state, not to be shared).
/// </summary>
public sealed class LlavaTokenizer
{
    public const string ModelFileName = "tokenizer.model";

    private readonly SentencePieceBpe _bpe;
    private readonly EncodingRules _encoding;
    private readonly AddedTokenSplitter _splitter;
    private readonly string?[] _tokenText;
    private readonly bool[] _special;
    private readonly DecodeTable _decodeTable;

    private LlavaTokenizer(SentencePieceModel model, TokenizerConfiguration config)
    {
        _bpe = new SentencePieceBpe(model);
        _encoding = config.Encoding;

        var pieceIds = new Dictionary<string, int>(model.Pieces.Count, StringComparer.Ordinal);
        for (var id = 0; id < model.Pieces.Count; id++)
            pieceIds.TryAdd(model.Pieces[id], id);
        var addedIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in config.AddedTokens)
            addedIds[token.Content] = token.Id;

        int? Resolve(string content) =>
            addedIds.TryGetValue(content, out var added) ? added
            : pieceIds.TryGetValue(content, out var piece) ? piece
            : null;
        int ResolveRequired(string? configured, int modelId, string role)
        {
            // Without a configured name, the SentencePiece model's own bos/eos/unk piece is the one meant.
            var content = configured
                ?? ((uint)modelId < (uint)model.Pieces.Count ? model.Pieces[modelId] : null)
                ?? throw new InvalidDataException($"No {role} token is configured and the SentencePiece model has none.");
            return Resolve(content)
                ?? throw new InvalidDataException($"The {role} token '{content}' is neither an added token nor a piece.");
        }

        BosTokenId = ResolveRequired(config.BosToken, model.BosId, "bos");
        EosTokenId = ResolveRequired(config.EosToken, model.EosId, "eos");
        UnkTokenId = ResolveRequired(config.UnkToken, model.UnkId, "unk");
        PadTokenId = config.PadToken is null ? null : ResolveRequired(config.PadToken, -1, "pad");
        ImageTokenId = Resolve(config.ImageToken);
        AddBosToken = config.AddBosToken;
        AddEosToken = config.AddEosToken;

        VocabularySize = Math.Max(model.Pieces.Count, config.AddedTokens.Select(t => t.Id + 1).DefaultIfEmpty(0).Max());
        _tokenText = new string?[VocabularySize];
        _special = new bool[VocabularySize];
        for (var id = 0; id < model.Pieces.Count; id++)
            _tokenText[id] = model.Pieces[id];
        foreach (var token in config.AddedTokens)
        {
            _tokenText[token.Id] = token.Content;
            _special[token.Id] = token.Special;
        }

        // Hugging Face matches every added token and every named special token verbatim before segmenting.
        var verbatim = new Dictionary<string, int>(addedIds, StringComparer.Ordinal);
        var namedSpecial = config.SpecialTokenContents
            .Concat([_tokenText[BosTokenId]!, _tokenText[EosTokenId]!, _tokenText[UnkTokenId]!]);
        foreach (var content in namedSpecial)
        {
            if (Resolve(content) is not { } id)
                continue;
            _special[id] = true;
            verbatim.TryAdd(content, id);
        }
        _splitter = new AddedTokenSplitter(verbatim.Select(p => (p.Key, p.Value)));
        MaxCharactersPerToken = Enumerable.Range(0, model.Pieces.Count)
            .Where(id => model.Types[id] == SentencePieceType.Normal)
            .Select(id => model.Pieces[id].Length)
            .Concat(verbatim.Keys.Select(content => content.Length))
            .Max();
        _decodeTable = new DecodeTable(_tokenText, _special, config.Decoding);
    }

    public int BosTokenId { get; }
    public int EosTokenId { get; }
    public int? PadTokenId { get; }
    public int UnkTokenId { get; }

    /// <summary>Id of the image placeholder token (<c>&lt;image&gt;</c>), null when the vocabulary has none.</summary>
    public int? ImageTokenId { get; }

    /// <summary>SentencePiece pieces plus added tokens; the model's embedding may have more rows.</summary>
    public int VocabularySize { get; }

    public bool AddBosToken { get; }
    public bool AddEosToken { get; }

    /// <summary>
    /// The most characters of input one token can stand for: the longest piece (a ▁ stands for one space) or
    /// token matched verbatim; byte pieces stand for less than a character. A text longer than this many
    /// characters per token allowed cannot fit, whatever its tokens (16 for Llama's vocabulary).
    /// </summary>
    public int MaxCharactersPerToken { get; }

    /// <summary>
    /// Reads <c>tokenizer.model</c> and, when present, <c>tokenizer_config.json</c>,
    /// <c>special_tokens_map.json</c>, <c>added_tokens.json</c> and <c>tokenizer.json</c> (whose normalizer,
    /// pre-tokenizer and decoder set the ▁-prefix and decoding rules) from a Hugging Face model folder.
    /// </summary>
    public static LlavaTokenizer Load(string modelDir)
    {
        if (!Directory.Exists(modelDir))
            throw new DirectoryNotFoundException($"Tokenizer folder not found: {modelDir}");
        var modelPath = Path.Combine(modelDir, ModelFileName);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"The SentencePiece model {ModelFileName} is missing from {modelDir}.", modelPath);

        return new LlavaTokenizer(SentencePieceModel.Load(modelPath), TokenizerConfiguration.Load(modelDir));
    }

    /// <summary>
    /// Hugging Face's <c>tokenizer(text).input_ids</c>: added tokens are matched first, every text segment
    /// between them is segmented on its own (a leading ▁ on every segment in legacy mode, only on one that
    /// starts the input in non-legacy mode), and BOS/EOS are added as configured when
    /// <paramref name="addSpecialTokens"/> is set.
    /// </summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addSpecialTokens && AddBosToken)
            ids.Add(BosTokenId);
        foreach (var split in _splitter.Split(text))
        {
            if (split.AddedTokenId is { } id)
            {
                ids.Add(id);
                continue;
            }
            var segment = text.AsSpan(split.Start, split.Length);
            var prepend = _encoding.PrependsWhitespace(segment, atInputStart: split.Start == 0);
            _bpe.Encode(segment, prepend, _encoding.SplitAtWhitespace, ids);
        }
        if (addSpecialTokens && AddEosToken)
            ids.Add(EosTokenId);
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

    public StreamingDetokenizer CreateStreamingDetokenizer(bool skipSpecialTokens = true) =>
        new(_decodeTable, skipSpecialTokens);

    private void EnsureToken(int id)
    {
        if ((uint)id >= (uint)VocabularySize || _tokenText[id] is null)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"No token has id {id} (vocabulary size {VocabularySize}).");
    }
}
