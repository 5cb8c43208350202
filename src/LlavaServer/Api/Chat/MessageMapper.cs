using Llava.Engine.Prompting;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Images;

namespace LlavaServer.Api.Chat;

/// <summary>
/// Turns OpenAI messages into engine messages: checks roles and part types, and resolves every image URL
/// to its encoded bytes. Images belong to user turns only — that is where LLaVA's templates put them.
/// </summary>
internal static class MessageMapper
{
    public static async Task<List<ChatMessage>> MapAsync(IReadOnlyList<ChatMessageDto>? messages, ImageUrlResolver images,
        int maxImages, CancellationToken cancellationToken)
    {
        if (messages is null || messages.Count == 0)
            throw ApiException.BadRequest("'messages' must be a non-empty array.", "messages");

        var result = new List<ChatMessage>(messages.Count);
        var imageCount = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw ApiException.BadRequest("A message must be an object.", $"messages[{i}]");
            var role = Role(message.Role, i);
            var content = message.Content;
            if (content?.Parts is null)
            {
                if (content?.Text is null && role != "assistant")
                    throw ApiException.BadRequest("A message needs 'content'.", $"messages[{i}].content");
                result.Add(new ChatMessage(role, content?.Text ?? ""));
                continue;
            }

            var parts = new List<ChatContentPart>(content.Parts.Count);
            for (var j = 0; j < content.Parts.Count; j++)
            {
                var param = $"messages[{i}].content[{j}]";
                var part = content.Parts[j] ?? throw ApiException.BadRequest("A content part must be an object.", param);
                switch (part.Type)
                {
                    case "text":
                        parts.Add(new TextPart(part.Text ?? throw ApiException.BadRequest("A text part needs 'text'.", param + ".text")));
                        break;
                    case "image_url":
                        if (role != "user")
                            throw ApiException.BadRequest("Images are only supported in user messages.", param);
                        if (++imageCount > maxImages)
                            throw ApiException.BadRequest($"At most {maxImages} images are allowed per request.", "messages");
                        var bytes = await images.ResolveAsync(part.ImageUrl?.Url, param + ".image_url.url", cancellationToken);
                        parts.Add(new ImagePart(bytes));
                        break;
                    default:
                        throw ApiException.BadRequest(
                            $"Content part type '{part.Type}' is not supported; use 'text' or 'image_url'.", param + ".type");
                }
            }
            result.Add(new ChatMessage(role, parts));
        }
        return result;
    }

    public static int CountImages(IEnumerable<ChatMessage> messages) => messages.Sum(m => m.Images.Count());

    private static string Role(string? role, int index) => role switch
    {
        "system" or "user" or "assistant" => role,
        // OpenAI's newer name for system instructions; LLaVA templates only know "system".
        "developer" => "system",
        "tool" or "function" => throw ApiException.BadRequest(
            $"Role '{role}' is not supported: this server does no tool calling.", $"messages[{index}].role"),
        _ => throw ApiException.BadRequest(
            $"Invalid role '{role}'; use system, user or assistant.", $"messages[{index}].role"),
    };
}
