namespace Llava.Engine.Tokenization;

/// <summary>
/// GPT-2's reversible byte-to-character table, which Hugging Face's ByteLevel pre-tokenizer and decoder use:
/// printable Latin-1 bytes stand for themselves, the other 68 bytes are moved to U+0100 and up, so that every
/// byte string is a string of visible characters a BPE vocabulary can spell (a space is Ġ, a newline Ċ).
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] CharOfByte = BuildTable();
    private static readonly Dictionary<char, byte> ByteOfChar =
        Enumerable.Range(0, 256).ToDictionary(b => CharOfByte[b], b => (byte)b);

    public static char ToChar(byte value) => CharOfByte[value];

    /// <summary>The bytes a vocabulary entry spells; null when a character is outside the alphabet.</summary>
    public static byte[]? TryToBytes(string spelled)
    {
        var bytes = new byte[spelled.Length];
        for (var i = 0; i < spelled.Length; i++)
        {
            if (!ByteOfChar.TryGetValue(spelled[i], out bytes[i]))
                return null;
        }
        return bytes;
    }

    private static char[] BuildTable()
    {
        static bool StandsForItself(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
            table[b] = StandsForItself(b) ? (char)b : (char)next++;
        return table;
    }
}
