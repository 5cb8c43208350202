using System.Text.Json.Nodes;

namespace LlavaBench.Workload;

/// <summary>
/// Streaming chat-completion bodies with one image and a question. Every request asks for exactly
/// <c>maxTokens</c> tokens (<c>ignore_eos</c>), so requests differ only in their prompts.
/// </summary>
public sealed class ChatRequestFactory(string model, int maxTokens, double temperature)
{
    /// <summary>Shared by every request, so with a prefix cache it is computed once.</summary>
    public const string SystemPrompt =
        "You are a careful visual assistant. Describe what you see in the image precisely, name colours and shapes, " +
        "and say where each object is. Answer in plain sentences without lists.";

    public string Build(string imageDataUrl, string question) => new JsonObject
    {
        ["model"] = model,
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = SystemPrompt },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(
                    new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = imageDataUrl } },
                    new JsonObject { ["type"] = "text", ["text"] = question }),
            }),
        ["max_tokens"] = maxTokens,
        ["temperature"] = temperature,
        ["ignore_eos"] = true,
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
    }.ToJsonString();
}
