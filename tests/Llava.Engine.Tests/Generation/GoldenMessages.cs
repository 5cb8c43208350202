using System.Text.Json;
using Llava.Engine.Prompting;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Generation;

/// <summary>Turns a golden case's OpenAI-style messages into engine messages with the image bytes.</summary>
internal static class GoldenMessages
{
    public static List<ChatMessage> For(JsonElement goldenCase) => For(goldenCase, RepoPaths.Reference);

    /// <param name="goldenCase">The case.</param>
    /// <param name="folder">The folder its image paths are relative to.</param>
    public static List<ChatMessage> For(JsonElement goldenCase, string folder) =>
        goldenCase.GetProperty("messages").EnumerateArray().Select(m => ToMessage(m, folder)).ToList();

    private static ChatMessage ToMessage(JsonElement message, string folder)
    {
        var role = message.GetProperty("role").GetString()!;
        var content = message.GetProperty("content");
        if (content.ValueKind == JsonValueKind.String) return new ChatMessage(role, content.GetString()!);
        var parts = content.EnumerateArray().Select(part => part.GetProperty("type").GetString() switch
        {
            "text" => (ChatContentPart)new TextPart(part.GetProperty("text").GetString()!),
            "image_url" => new ImagePart(File.ReadAllBytes(
                Path.Combine(folder, part.GetProperty("image_url").GetProperty("url").GetString()!))),
            var other => throw new InvalidDataException("unknown part type " + other),
        }).ToList();
        return new ChatMessage(role, parts);
    }
}
