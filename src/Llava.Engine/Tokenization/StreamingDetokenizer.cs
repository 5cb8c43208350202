namespace Llava.Engine.Tokenization;

/// <summary>
/// Turns generated ids into text as they arrive. The concatenation of every <see cref="Append"/> result and
/// the final <see cref="Flush"/> equals <see cref="LlavaTokenizer.Decode"/> of all the ids. Byte tokens are
/// held until the run of byte tokens ends, because Hugging Face decodes a run as a whole (an invalid byte
/// anywhere in it turns the entire run into U+FFFD), so no half character is ever returned.
/// </summary>
public sealed class StreamingDetokenizer
{
    private readonly DecodedTextBuilder _builder;

    internal StreamingDetokenizer(DecodeTable decodeTable, bool skipSpecialTokens) =>
        _builder = new DecodedTextBuilder(decodeTable, skipSpecialTokens);

    /// <summary>Feeds one id; returns the text it completes (often "", e.g. inside a byte run).</summary>
    public string Append(int tokenId)
    {
        _builder.Add(tokenId);
        return _builder.TakeCompleted();
    }

    /// <summary>Ends the stream: returns a pending byte run, decoded as Hugging Face would at the end of the ids.</summary>
    public string Flush() => _builder.TakeAll();
}
