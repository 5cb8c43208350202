using System.Globalization;
using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Per-id decoding facts, precomputed in the order of the Hugging Face Llama decoder chain
/// (Replace ▁→space, ByteFallback, Fuse, Strip one leading space): the text with ▁ replaced, and
/// whether that text is a <c>&lt;0xNN&gt;</c> byte token.
/// </summary>
internal sealed class DecodeTable
{
    private readonly string?[] _text;
    private readonly short[] _byteValue;
    private readonly bool[] _special;

    public DecodeTable(IReadOnlyList<string?> tokenTexts, IReadOnlyList<bool> special)
    {
        _text = new string?[tokenTexts.Count];
        _byteValue = new short[tokenTexts.Count];
        _special = [.. special];
        for (var id = 0; id < tokenTexts.Count; id++)
        {
            var text = tokenTexts[id]?.Replace('\u2581', ' ');
            _text[id] = text;
            _byteValue[id] = text is not null && TryParseByteToken(text, out var value) ? value : (short)-1;
        }
    }

    public DecodeUnitKind Lookup(int id, bool skipSpecialTokens, out string text, out byte byteValue)
    {
        text = "";
        byteValue = 0;
        if ((uint)id >= (uint)_text.Length || _text[id] is null || (skipSpecialTokens && _special[id]))
            return DecodeUnitKind.Skip;
        if (_byteValue[id] >= 0)
        {
            byteValue = (byte)_byteValue[id];
            return DecodeUnitKind.Byte;
        }
        text = _text[id]!;
        return DecodeUnitKind.Text;
    }

    /// <summary>The UTF-8 bytes a token stands for: its byte for a byte token, otherwise its decoded text.</summary>
    public byte[] Bytes(int id) =>
        _byteValue[id] >= 0 ? [(byte)_byteValue[id]] : Encoding.UTF8.GetBytes(_text[id]!);

    private static bool TryParseByteToken(string text, out short value)
    {
        value = -1;
        if (text.Length != 6 || !text.StartsWith("<0x", StringComparison.Ordinal) || text[5] != '>')
            return false;
        if (!byte.TryParse(text.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            return false;
        value = b;
        return true;
    }
}
