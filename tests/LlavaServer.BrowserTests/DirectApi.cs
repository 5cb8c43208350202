using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.TestSupport;

namespace LlavaServer.BrowserTests;

/// <summary>What the server answers the page's requests when asked directly, to check what the page shows.</summary>
internal static class DirectApi
{
    public static string DataUrl(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    public static string FixtureDataUrl(string imageName) =>
        DataUrl(imageName.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png", File.ReadAllBytes(RepoPaths.Image(imageName)));

    /// <summary>A user message as the page sends it: images first, then the text.</summary>
    public static JsonObject User(string text, params string[] imageDataUrls)
    {
        if (imageDataUrls.Length == 0) return new JsonObject { ["role"] = "user", ["content"] = text };
        var parts = new JsonArray();
        foreach (var url in imageDataUrls)
            parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
        parts.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        return new JsonObject { ["role"] = "user", ["content"] = parts };
    }

    public sealed record Answer(string Content, int PromptTokens, int CompletionTokens);

    public static async Task<Answer> GreedyAsync(HttpClient http, JsonObject userMessage, int maxTokens, bool ignoreEos = false)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(userMessage),
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["ignore_eos"] = ignoreEos,
        };
        using var response = await http.PostAsync("/v1/chat/completions", Json(body));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        var usage = json.GetProperty("usage");
        return new Answer(
            json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!,
            usage.GetProperty("prompt_tokens").GetInt32(),
            usage.GetProperty("completion_tokens").GetInt32());
    }

    /// <summary>The status and error message the server answers for a request it refuses.</summary>
    public static async Task<(int Status, string Message)> RefusalAsync(HttpClient http, JsonObject userMessage)
    {
        var body = new JsonObject { ["messages"] = new JsonArray(userMessage), ["max_tokens"] = 8 };
        using var response = await http.PostAsync("/v1/chat/completions", Json(body));
        Assert.False(response.IsSuccessStatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        return ((int)response.StatusCode, error.GetProperty("message").GetString()!);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
