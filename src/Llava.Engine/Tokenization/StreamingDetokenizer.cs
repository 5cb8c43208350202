using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Turns generated ids into text as they arrive. The concatenation of every <see cref="Append"/> result and
/// the final <see cref="Flush"/> equals <see cref="LlavaTokenizer.Decode"/> of all the ids. Byte tokens are
/// held until the run of byte tokens ends, because Hugging Face decodes a run as a whole (an invalid byte
/// anywhere in it turns the entire run into U+FFFD), so no half character is ever returned.
/// </summary>
public sealed class StreamingDetokenizer
{
    private readonly DecodeTable _decodeTable;
    private readonly bool _skipSpecialTokens;
    private readonly Utf8ByteRun _byteRun = new();
    private readonly StringBuilder _chunk = new();
    private bool _emittedAnything;

    internal StreamingDetokenizer(DecodeTable decodeTable, bool skipSpecialTokens)
    {
        _decodeTable = decodeTable;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Feeds one id; returns the text it completes (often "", e.g. inside a byte run).</summary>
    public string Append(int tokenId)
    {
        switch (_decodeTable.Lookup(tokenId, _skipSpecialTokens, out var text, out var value))
        {
            case DecodeUnitKind.Byte:
                _byteRun.Add(value);
                return "";
            case DecodeUnitKind.Text:
                _byteRun.DrainTo(_chunk);
                _chunk.Append(text);
                return TakeChunk();
            default:
                return "";
        }
    }

    /// <summary>Ends the stream: returns a pending byte run, decoded as Hugging Face would at the end of the ids.</summary>
    public string Flush()
    {
        _byteRun.DrainTo(_chunk);
        return TakeChunk();
    }

    private string TakeChunk()
    {
        if (_chunk.Length == 0)
            return "";
        // The decoder strips one leading space from the whole text, i.e. from the first character ever produced.
        if (!_emittedAnything && _chunk[0] == ' ')
            _chunk.Remove(0, 1);
        _emittedAnything = true;
        var result = _chunk.ToString();
        _chunk.Clear();
        return result;
    }
}
