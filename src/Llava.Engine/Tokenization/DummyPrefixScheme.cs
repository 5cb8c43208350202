namespace Llava.Engine.Tokenization;

/// <summary>
/// Which text segments (the text between added tokens) get the word-boundary ▁ prepended before BPE.
/// Hugging Face's Llama tokenizers differ exactly here, and the choice changes ids after every added token.
/// </summary>
internal enum DummyPrefixScheme
{
    /// <summary>Legacy Llama (a <c>Prepend</c> normalizer): every segment, even one that starts with a space.</summary>
    EverySegment,

    /// <summary>Metaspace <c>prepend_scheme: always</c>: every segment that does not already start with a space or ▁.</summary>
    EverySegmentWithoutLeadingSpace,

    /// <summary>
    /// Metaspace <c>prepend_scheme: first</c> (non-legacy Llama): only a segment that starts the input, and only
    /// when it does not already start with a space or ▁. Input that opens with an added token gets no ▁ at all.
    /// </summary>
    StartOfInput,

    /// <summary>No ▁ is ever prepended (<c>add_prefix_space: false</c>, <c>prepend_scheme: never</c>).</summary>
    Never,
}
