using System.Text.Json;
using Llava.Engine.Prompting;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Images;

namespace LlavaServer.Api.Chat;

/// <summary>
/// Turns OpenAI messages into engine messages: checks roles and part types, and resolves every image URL
/// to its encoded bytes. Images belong to user turns only — that is where LLaVA's templates put them. Assistant turns
/// may carry <c>tool_calls</c> (their content may then be null) and tool turns answer one by <c>tool_call_id</c>.
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
                result.Add(WithTools(new ChatMessage(role, content?.Text ?? ""), message, i));
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
            result.Add(WithTools(new ChatMessage(role, parts), message, i));
        }
        return result;
    }

    private static ChatMessage WithTools(ChatMessage mapped, ChatMessageDto message, int index)
    {
        var param = $"messages[{index}]";
        if (mapped.Role == "tool")
        {
            return mapped with
            {
                ToolCallId = message.ToolCallId ?? throw ApiException.BadRequest("A tool message needs 'tool_call_id'.", param + ".tool_call_id"),
            };
        }
        if (message.ToolCalls is not { Count: > 0 } calls) return mapped;
        if (mapped.Role != "assistant")
            throw ApiException.BadRequest("Only assistant messages have 'tool_calls'.", param + ".tool_calls");
        return mapped with { ToolCalls = calls.Select((call, j) => MapCall(call, $"{param}.tool_calls[{j}]")).ToList() };
    }

    /// <summary>The arguments string parsed, as vLLM does for the chat templates that expect a mapping.</summary>
    private static ChatToolCall MapCall(ToolCall? call, string param)
    {
        var function = call?.Function ?? throw ApiException.BadRequest("A tool call needs 'function'.", param + ".function");
        if (call.Type is not (null or "function"))
            throw ApiException.BadRequest("Only tool calls of type 'function' are supported.", param + ".type");
        var name = function.Name ?? throw ApiException.BadRequest("A tool call needs 'function.name'.", param + ".function.name");
        JsonElement arguments;
        try
        {
            using var document = JsonDocument.Parse(function.Arguments ?? "{}");
            arguments = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw ApiException.BadRequest("'arguments' must be a JSON string of the call's arguments.", param + ".function.arguments");
        }
        return new ChatToolCall(call.Id ?? "", name, arguments);
    }

    public static int CountImages(IEnumerable<ChatMessage> messages) => messages.Sum(m => m.Images.Count());

    private static string Role(string? role, int index) => role switch
    {
        "system" or "user" or "assistant" or "tool" => role,
        // OpenAI's newer name for system instructions; LLaVA templates only know "system".
        "developer" => "system",
        "function" => throw ApiException.BadRequest(
            "Role 'function' is deprecated and not supported; use 'tool'.", $"messages[{index}].role"),
        _ => throw ApiException.BadRequest(
            $"Invalid role '{role}'; use system, user, assistant or tool.", $"messages[{index}].role"),
    };
}
