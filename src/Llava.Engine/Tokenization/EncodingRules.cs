namespace Llava.Engine.Tokenization;

/// <summary>
/// How the Hugging Face pipeline prepares one text segment for BPE: spaces always become ▁; which segments
/// get a leading ▁; and whether the segment is cut before every ▁ (Metaspace <c>split</c>), so that no piece
/// spans a word boundary.
/// </summary>
internal sealed record EncodingRules(DummyPrefixScheme Prefix, bool SplitAtWhitespace)
{
    public const char WhitespaceSymbol = '\u2581';

    /// <summary>Whether a ▁ goes in front of <paramref name="segment"/>, which starts the input when <paramref name="atInputStart"/>.</summary>
    public bool PrependsWhitespace(ReadOnlySpan<char> segment, bool atInputStart) => Prefix switch
    {
        DummyPrefixScheme.EverySegment => true,
        DummyPrefixScheme.EverySegmentWithoutLeadingSpace => !StartsWithWhitespace(segment),
        DummyPrefixScheme.StartOfInput => atInputStart && !StartsWithWhitespace(segment),
        _ => false,
    };

    // Metaspace checks for ▁ after turning spaces into ▁, so a literal ▁ counts as a space here.
    private static bool StartsWithWhitespace(ReadOnlySpan<char> segment) =>
        !segment.IsEmpty && segment[0] is ' ' or WhitespaceSymbol;
}
