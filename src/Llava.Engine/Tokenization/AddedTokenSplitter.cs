using System.Buffers;

namespace Llava.Engine.Tokenization;

/// <summary>One piece of input text: either plain text to segment, or an added token matched verbatim.</summary>
internal readonly record struct TextSplit(int Start, int Length, int? AddedTokenId);

/// <summary>
/// Splits text on added tokens (<c>&lt;image&gt;</c>, <c>&lt;/s&gt;</c>, …) before any segmentation, as
/// Hugging Face does: the leftmost occurrence wins, and among tokens starting there the longest.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, (string Content, int Id)[]> _tokensByFirstChar;
    private readonly SearchValues<char> _firstChars;

    public AddedTokenSplitter(IEnumerable<(string Content, int Id)> tokens)
    {
        _tokensByFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _firstChars = SearchValues.Create([.. _tokensByFirstChar.Keys]);
    }

    public List<TextSplit> Split(string text)
    {
        var splits = new List<TextSplit>();
        var textStart = 0;
        var position = 0;
        while (position < text.Length)
        {
            var offset = text.AsSpan(position).IndexOfAny(_firstChars);
            if (offset < 0)
                break;
            position += offset;

            var match = MatchAt(text, position);
            if (match is not { } token)
            {
                position++;
                continue;
            }
            if (position > textStart)
                splits.Add(new TextSplit(textStart, position - textStart, null));
            splits.Add(new TextSplit(position, token.Content.Length, token.Id));
            position += token.Content.Length;
            textStart = position;
        }
        if (textStart < text.Length)
            splits.Add(new TextSplit(textStart, text.Length - textStart, null));
        return splits;
    }

    private (string Content, int Id)? MatchAt(string text, int position)
    {
        foreach (var token in _tokensByFirstChar[text[position]])
        {
            if (text.AsSpan(position).StartsWith(token.Content, StringComparison.Ordinal))
                return token;
        }
        return null;
    }
}
