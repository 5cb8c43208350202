using System.Text.Json;
using Llava.Engine.Prompting;

namespace Llava.Engine.Tests.Prompting;

/// <summary>The "messages" of a generated template case (OpenAI style, as the Python generators wrote them).</summary>
internal static class TemplateCaseMessages
{
    /// <summary>String content stays a string, parts become parts ({"type": "image"} without data: rendering ignores bytes).</summary>
    public static List<ChatMessage> From(JsonElement c) => c.GetProperty("messages").EnumerateArray().Select(m =>
    {
        var role = m.GetProperty("role").GetString()!;
        var content = m.GetProperty("content");
        if (content.ValueKind == JsonValueKind.String)
            return new ChatMessage(role, content.GetString()!);
        return new ChatMessage(role, content.EnumerateArray().Select(p => p.GetProperty("type").GetString() switch
        {
            "text" => (ChatContentPart)new TextPart(p.GetProperty("text").GetString()!),
            "image" => new ImagePart(ReadOnlyMemory<byte>.Empty),
            var other => throw new InvalidDataException($"unexpected part type {other}"),
        }).ToList());
    }).ToList();
}
