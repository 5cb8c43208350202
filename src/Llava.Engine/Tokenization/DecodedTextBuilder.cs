using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Applies the Hugging Face decoder chain one id at a time, so that whole-sequence decoding and streaming are
/// the same computation. Byte tokens are held until their run ends (the run is decoded as a whole), and the
/// leading-space strip of the joined text is carried across chunks.
/// </summary>
internal sealed class DecodedTextBuilder
{
    private readonly DecodeTable _table;
    private readonly bool _skipSpecialTokens;
    private readonly Utf8ByteRun _byteRun = new();
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly StringBuilder _pending = new();
    private int _spacesLeftToStrip;
    private bool _sawToken;

    public DecodedTextBuilder(DecodeTable table, bool skipSpecialTokens)
    {
        _table = table;
        _skipSpecialTokens = skipSpecialTokens;
        _spacesLeftToStrip = table.Rules.LeadingSpacesToStrip;
    }

    public void Add(int id)
    {
        var kind = _table.Lookup(id, _skipSpecialTokens, isFirstToken: !_sawToken, out var text, out var value);
        if (kind == DecodeUnitKind.Skip)
            return;
        _sawToken = true;
        if (kind == DecodeUnitKind.SpelledBytes)
        {
            DecodeUtf8(_table.Bytes(id), flush: false);
            return;
        }
        if (kind == DecodeUnitKind.Byte)
        {
            _byteRun.Add(value);
            return;
        }
        _byteRun.DrainTo(_pending);
        _pending.Append(text);
    }

    /// <summary>The text completed since the last take; a byte run still open stays held.</summary>
    public string TakeCompleted()
    {
        var start = 0;
        while (_spacesLeftToStrip > 0 && start < _pending.Length && _pending[start] == ' ')
        {
            start++;
            _spacesLeftToStrip--;
        }
        // Strip stops at the first other character of the whole text, wherever the chunks were cut.
        if (start < _pending.Length)
            _spacesLeftToStrip = 0;
        var chunk = _pending.ToString(start, _pending.Length - start);
        _pending.Clear();
        return chunk;
    }

    /// <summary>Everything not yet taken, a pending byte run decoded as at the end of the ids.</summary>
    public string TakeAll()
    {
        _byteRun.DrainTo(_pending);
        DecodeUtf8([], flush: true);
        return TakeCompleted();
    }

    /// <summary>
    /// Byte-level text is one UTF-8 stream: the decoder holds back only an unfinished character, and replaces
    /// invalid bytes as the whole-text lossy decode does (one U+FFFD per maximal invalid subsequence), so streamed
    /// chunks join to the whole decode.
    /// </summary>
    private void DecodeUtf8(byte[] bytes, bool flush)
    {
        Span<char> chars = stackalloc char[bytes.Length + 4];
        var count = _utf8.GetChars(bytes, chars, flush);
        _pending.Append(chars[..count]);
    }
}
