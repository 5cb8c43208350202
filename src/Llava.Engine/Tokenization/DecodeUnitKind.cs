namespace Llava.Engine.Tokenization;

/// <summary>What one id contributes to decoded text.</summary>
internal enum DecodeUnitKind
{
    /// <summary>Dropped: a skipped special token, or an id with no token (as Hugging Face's fast decode drops it).</summary>
    Skip,
    Text,
    Byte,

    /// <summary>Bytes of a byte-level token (<see cref="DecodeTable.Bytes"/>), decoded with everything around them as one UTF-8 text.</summary>
    SpelledBytes,
}
