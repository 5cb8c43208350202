namespace Llava.Engine.Tokenization;

/// <summary>
/// The Hugging Face decoder chain of a Llama tokenizer, reduced to what changes the text: ▁ becomes a space
/// (a Metaspace decoder drops every ▁ of the first token instead), <c>&lt;0xNN&gt;</c> tokens are fused into
/// UTF-8 when <see cref="ByteFallback"/> is on (else they stay literal), and up to
/// <see cref="LeadingSpacesToStrip"/> spaces are cut from the start of the whole text. A <see cref="ByteLevel"/>
/// decoder instead turns every token into the bytes it spells and decodes them all as one UTF-8 text.
/// </summary>
internal sealed record DecodingRules(bool ByteFallback, bool DropFirstTokenWhitespace, int LeadingSpacesToStrip, bool ByteLevel = false)
{
    /// <summary>Hugging Face's ByteLevel decoder: GPT-2 characters back to bytes, then lossy UTF-8 (U+FFFD per maximal invalid subsequence).</summary>
    public static readonly DecodingRules ByteLevelDecoder = new(false, false, 0, ByteLevel: true);

    /// <summary>What transformers' <c>LlamaConverter</c> writes: Replace ▁→space, ByteFallback, Fuse, and Strip one space when a prefix was added.</summary>
    public static DecodingRules Llama(bool addPrefixSpace) => new(true, false, addPrefixSpace ? 1 : 0);
}
