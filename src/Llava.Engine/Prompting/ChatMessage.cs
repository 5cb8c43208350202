namespace Llava.Engine.Prompting;

/// <summary>
/// One turn of an OpenAI-style conversation. Content is either a plain string or a list of parts; the
/// distinction is kept because chat templates test <c>message['content'] is string</c>.
/// </summary>
public sealed record ChatMessage
{
    public ChatMessage(string role, string text)
    {
        Role = role;
        Text = text;
    }

    public ChatMessage(string role, IReadOnlyList<ChatContentPart> parts)
    {
        Role = role;
        Parts = parts;
    }

    public string Role { get; }

    /// <summary>Set when the content was a plain string.</summary>
    public string? Text { get; }

    /// <summary>Set when the content was a list of parts.</summary>
    public IReadOnlyList<ChatContentPart>? Parts { get; }

    public IEnumerable<ImagePart> Images => Parts?.OfType<ImagePart>() ?? [];
}

public abstract record ChatContentPart;

public sealed record TextPart(string Text) : ChatContentPart;

/// <summary>An image still in its encoded form (PNG, JPEG, ...); decoding happens in Imaging.</summary>
public sealed record ImagePart(ReadOnlyMemory<byte> Data) : ChatContentPart;
