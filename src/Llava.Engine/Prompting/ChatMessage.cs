using System.Text.Json;

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

    /// <summary>The calls an assistant turn made; null when it made none.</summary>
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }

    /// <summary>On a <c>tool</c> turn: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    public IEnumerable<ImagePart> Images => Parts?.OfType<ImagePart>() ?? [];
}

public abstract record ChatContentPart;

public sealed record TextPart(string Text) : ChatContentPart;

/// <summary>An image still in its encoded form (PNG, JPEG, ...); decoding happens in Imaging.</summary>
public sealed record ImagePart(ReadOnlyMemory<byte> Data) : ChatContentPart;

/// <summary>
/// A function call of an earlier assistant turn. The arguments are parsed JSON, not the string OpenAI sends: tool-use
/// chat templates expect a mapping (transformers' convention, which vLLM follows by parsing the string).
/// </summary>
public sealed record ChatToolCall(string Id, string Name, JsonElement Arguments);
