using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.TestSupport;

namespace LlavaServer.Tests;

/// <summary>Request bodies and images for the tests.</summary>
internal static class TestData
{
    public const string Model = "tiny-llava-visible";

    public static byte[] ImageBytes(string name) => File.ReadAllBytes(RepoPaths.Image(name));

    public static string MediaType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        var other => throw new ArgumentException("no media type for " + other),
    };

    /// <summary>A file as the <c>data:</c> URL a client sends (what <c>base64 -w0</c> builds in the README).</summary>
    public static string DataUrl(string path) =>
        $"data:{MediaType(path)};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}";

    /// <summary>A user message with reference images (by file name) before the text.</summary>
    public static JsonObject UserMessage(string text, params string[] imageNames) =>
        UserMessageWithImageFiles(text, imageNames.Select(RepoPaths.Image).ToArray());

    public static JsonObject UserMessageWithImageFiles(string text, params string[] imagePaths)
    {
        var parts = new JsonArray();
        foreach (var path in imagePaths)
            parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = DataUrl(path) } });
        parts.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        return new JsonObject { ["role"] = "user", ["content"] = parts };
    }

    /// <summary>A golden case's messages with each image path replaced by its base64 data URL.</summary>
    public static JsonArray GoldenMessages(JsonElement goldenCase)
    {
        var messages = JsonNode.Parse(goldenCase.GetProperty("messages").GetRawText())!.AsArray();
        foreach (var message in messages)
        {
            if (message!["content"] is not JsonArray parts) continue;
            foreach (var part in parts)
            {
                if (part!["image_url"] is JsonObject image)
                    image["url"] = DataUrl(RepoPaths.ReferencePath(image["url"]!.GetValue<string>()));
            }
        }
        return messages;
    }

    public static JsonObject Chat(JsonArray messages, int maxTokens, bool stream = false)
    {
        var body = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = messages,
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
        };
        if (stream) body["stream"] = true;
        return body;
    }

    /// <summary>A chat of one plain-text user message.</summary>
    public static JsonObject TextChat(string text, int maxTokens, bool stream = false) =>
        Chat(new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }), maxTokens, stream);

    /// <summary>
    /// A stream with an image, EOS ignored, over most of a 2048-token context: long enough to still hold its decode
    /// slot when the test acts.
    /// </summary>
    public static JsonObject SlotHoldingStream()
    {
        var body = Chat(new JsonArray(UserMessage("Count the shapes.", "gradient_84x84.png")), 1900, stream: true);
        body["ignore_eos"] = true;
        return body;
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");
}
