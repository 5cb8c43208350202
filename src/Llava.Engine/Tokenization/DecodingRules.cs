namespace Llava.Engine.Tokenization;

/// <summary>
/// The Hugging Face decoder chain of a Llama tokenizer, reduced to what changes the text: ▁ becomes a space
/// (a Metaspace decoder drops every ▁ of the first token instead), <c>&lt;0xNN&gt;</c> tokens are fused into
/// UTF-8 when <see cref="ByteFallback"/> is on (else they stay literal), and up to
/// <see cref="LeadingSpacesToStrip"/> spaces are cut from the start of the whole text.
/// </summary>
internal sealed record DecodingRules(bool ByteFallback, bool DropFirstTokenWhitespace, int LeadingSpacesToStrip)
{
    /// <summary>What transformers' <c>LlamaConverter</c> writes: Replace ▁→space, ByteFallback, Fuse, and Strip one space when a prefix was added.</summary>
    public static DecodingRules Llama(bool addPrefixSpace) => new(true, false, addPrefixSpace ? 1 : 0);
}
