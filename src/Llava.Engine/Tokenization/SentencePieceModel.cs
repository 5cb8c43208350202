namespace Llava.Engine.Tokenization;

/// <summary>
/// The parts of a SentencePiece <c>tokenizer.model</c> (a serialized <c>ModelProto</c>) that encoding and
/// decoding depend on. Parsed directly because Microsoft.ML.Tokenizers does not expose piece scores, and
/// the scores drive the merge order.
/// </summary>
internal sealed class SentencePieceModel
{
    private const int ModelTypeBpe = 2;

    private SentencePieceModel(
        string[] pieces, float[] scores, SentencePieceType[] types, int modelType, bool byteFallback,
        int unkId, int bosId, int eosId, int padId, bool treatWhitespaceAsSuffix,
        string normalizerName, int precompiledCharsMapLength, bool removeExtraWhitespaces)
    {
        Pieces = pieces;
        Scores = scores;
        Types = types;
        ModelType = modelType;
        ByteFallback = byteFallback;
        UnkId = unkId;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
        TreatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
        NormalizerName = normalizerName;
        PrecompiledCharsMapLength = precompiledCharsMapLength;
        RemoveExtraWhitespaces = removeExtraWhitespaces;
    }

    public IReadOnlyList<string> Pieces { get; }
    public IReadOnlyList<float> Scores { get; }
    public IReadOnlyList<SentencePieceType> Types { get; }

    /// <summary>TrainerSpec.model_type: 1 unigram, 2 BPE, 3 word, 4 char.</summary>
    public int ModelType { get; }
    public bool ByteFallback { get; }
    public int UnkId { get; }
    public int BosId { get; }
    public int EosId { get; }

    /// <summary>-1 when the model defines no padding piece.</summary>
    public int PadId { get; }
    public bool TreatWhitespaceAsSuffix { get; }
    public string NormalizerName { get; }
    public int PrecompiledCharsMapLength { get; }
    public bool RemoveExtraWhitespaces { get; }

    public bool IsBpe => ModelType == ModelTypeBpe;

    public static SentencePieceModel Load(string path) => Parse(File.ReadAllBytes(path));

    public static SentencePieceModel Parse(ReadOnlySpan<byte> data)
    {
        var pieces = new List<string>();
        var scores = new List<float>();
        var types = new List<SentencePieceType>();
        var trainer = new TrainerFields();
        var normalizer = new NormalizerFields();

        var reader = new ProtobufReader(data);
        while (!reader.AtEnd)
        {
            var field = reader.ReadFieldKey(out var wire);
            switch (field)
            {
                case 1 when wire == ProtobufWireType.LengthDelimited:
                    var (piece, score, type) = ParsePiece(reader.ReadLengthDelimited());
                    pieces.Add(piece);
                    scores.Add(score);
                    types.Add(type);
                    break;
                case 2 when wire == ProtobufWireType.LengthDelimited:
                    trainer = ParseTrainerSpec(reader.ReadLengthDelimited());
                    break;
                case 3 when wire == ProtobufWireType.LengthDelimited:
                    normalizer = ParseNormalizerSpec(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.SkipField(wire);
                    break;
            }
        }

        if (pieces.Count == 0)
            throw new InvalidDataException("The SentencePiece model has no pieces.");

        return new SentencePieceModel(
            [.. pieces], [.. scores], [.. types], trainer.ModelType, trainer.ByteFallback,
            trainer.UnkId, trainer.BosId, trainer.EosId, trainer.PadId, trainer.TreatWhitespaceAsSuffix,
            normalizer.Name, normalizer.PrecompiledCharsMapLength, normalizer.RemoveExtraWhitespaces);
    }

    private static (string Piece, float Score, SentencePieceType Type) ParsePiece(ReadOnlySpan<byte> data)
    {
        var piece = "";
        var score = 0f;
        var type = SentencePieceType.Normal;
        var reader = new ProtobufReader(data);
        while (!reader.AtEnd)
        {
            var field = reader.ReadFieldKey(out var wire);
            switch (field)
            {
                case 1 when wire == ProtobufWireType.LengthDelimited:
                    piece = reader.ReadString();
                    break;
                case 2 when wire == ProtobufWireType.Fixed32:
                    score = reader.ReadFloat();
                    break;
                case 3 when wire == ProtobufWireType.Varint:
                    type = (SentencePieceType)reader.ReadInt32();
                    break;
                default:
                    reader.SkipField(wire);
                    break;
            }
        }
        return (piece, score, type);
    }

    // Defaults are the proto2 defaults declared in sentencepiece_model.proto: absent fields take them.
    private struct TrainerFields()
    {
        public int ModelType = 1;
        public bool ByteFallback = false;
        public int UnkId = 0;
        public int BosId = 1;
        public int EosId = 2;
        public int PadId = -1;
        public bool TreatWhitespaceAsSuffix = false;
    }

    private struct NormalizerFields()
    {
        public string Name = "";
        public int PrecompiledCharsMapLength = 0;
        public bool RemoveExtraWhitespaces = true;
    }

    private static TrainerFields ParseTrainerSpec(ReadOnlySpan<byte> data)
    {
        var spec = new TrainerFields();
        var reader = new ProtobufReader(data);
        while (!reader.AtEnd)
        {
            var field = reader.ReadFieldKey(out var wire);
            if (wire != ProtobufWireType.Varint)
            {
                reader.SkipField(wire);
                continue;
            }
            switch (field)
            {
                case 3: spec.ModelType = reader.ReadInt32(); break;
                case 24: spec.TreatWhitespaceAsSuffix = reader.ReadBool(); break;
                case 35: spec.ByteFallback = reader.ReadBool(); break;
                case 40: spec.UnkId = reader.ReadInt32(); break;
                case 41: spec.BosId = reader.ReadInt32(); break;
                case 42: spec.EosId = reader.ReadInt32(); break;
                case 43: spec.PadId = reader.ReadInt32(); break;
                default: reader.SkipField(wire); break;
            }
        }
        return spec;
    }

    private static NormalizerFields ParseNormalizerSpec(ReadOnlySpan<byte> data)
    {
        var spec = new NormalizerFields();
        var reader = new ProtobufReader(data);
        while (!reader.AtEnd)
        {
            var field = reader.ReadFieldKey(out var wire);
            switch (field)
            {
                case 1 when wire == ProtobufWireType.LengthDelimited:
                    spec.Name = reader.ReadString();
                    break;
                case 2 when wire == ProtobufWireType.LengthDelimited:
                    spec.PrecompiledCharsMapLength = reader.ReadLengthDelimited().Length;
                    break;
                case 4 when wire == ProtobufWireType.Varint:
                    spec.RemoveExtraWhitespaces = reader.ReadBool();
                    break;
                default:
                    reader.SkipField(wire);
                    break;
            }
        }
        return spec;
    }
}
