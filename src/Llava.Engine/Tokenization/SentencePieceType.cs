namespace Llava.Engine.Tokenization;

/// <summary>Piece kinds as numbered in sentencepiece_model.proto.</summary>
internal enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
