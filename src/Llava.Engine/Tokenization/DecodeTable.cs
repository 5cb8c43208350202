using System.Globalization;
using System.Text;

namespace Llava.Engine.Tokenization;

/// <summary>
/// Per-id decoding facts, precomputed for the tokenizer's <see cref="DecodingRules"/>: the text with ▁ replaced
/// by a space, and whether the token is a <c>&lt;0xNN&gt;</c> byte token; for a byte-level decoder, the bytes each
/// token spells.
/// </summary>
internal sealed class DecodeTable
{
    private readonly string?[] _rawText;
    private readonly string?[] _text;
    private readonly short[] _byteValue;
    private readonly byte[]?[]? _spelledBytes;
    private readonly bool[] _special;
    private readonly DecodingRules _rules;

    public DecodeTable(IReadOnlyList<string?> tokenTexts, IReadOnlyList<bool> special, DecodingRules rules)
    {
        _rawText = [.. tokenTexts];
        _text = new string?[tokenTexts.Count];
        _byteValue = new short[tokenTexts.Count];
        _special = [.. special];
        _rules = rules;
        for (var id = 0; id < tokenTexts.Count; id++)
        {
            var text = tokenTexts[id]?.Replace(EncodingRules.WhitespaceSymbol, ' ');
            _text[id] = text;
            _byteValue[id] = text is not null && TryParseByteToken(text, out var value) ? value : (short)-1;
        }
        // The ByteLevel decoder maps a token through the GPT-2 alphabet when every character is in it (added tokens
        // such as <|eot_id|> are), and otherwise takes the token's own UTF-8.
        if (rules.ByteLevel)
            _spelledBytes = [.. tokenTexts.Select(t => t is null ? null : ByteLevelAlphabet.TryToBytes(t) ?? Encoding.UTF8.GetBytes(t))];
    }

    public DecodingRules Rules => _rules;

    /// <summary>
    /// What <paramref name="id"/> contributes; <paramref name="isFirstToken"/> says whether it is the first token
    /// that was not skipped, which a Metaspace decoder treats differently.
    /// </summary>
    public DecodeUnitKind Lookup(int id, bool skipSpecialTokens, bool isFirstToken, out string text, out byte byteValue)
    {
        text = "";
        byteValue = 0;
        if ((uint)id >= (uint)_text.Length || _text[id] is null || (skipSpecialTokens && _special[id]))
            return DecodeUnitKind.Skip;
        if (_spelledBytes is not null)
            return DecodeUnitKind.SpelledBytes;
        if (_rules.ByteFallback && _byteValue[id] >= 0)
        {
            byteValue = (byte)_byteValue[id];
            return DecodeUnitKind.Byte;
        }
        text = isFirstToken && _rules.DropFirstTokenWhitespace
            ? _rawText[id]!.Replace(EncodingRules.WhitespaceSymbol.ToString(), "", StringComparison.Ordinal)
            : _text[id]!;
        return DecodeUnitKind.Text;
    }

    /// <summary>
    /// The UTF-8 bytes a token stands for: what it spells for a byte-level decoder, else its byte for a byte token,
    /// otherwise its text with ▁ as space.
    /// </summary>
    public byte[] Bytes(int id) =>
        _spelledBytes is not null ? _spelledBytes[id]!
        : _byteValue[id] >= 0 ? [(byte)_byteValue[id]]
        : Encoding.UTF8.GetBytes(_text[id]!);

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
