using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlavaServer.BrowserTests;

/// <summary>
/// A stored conversation with every kind of message the thread shows (an image question, a Markdown answer
/// with metrics, a stopped answer, an error), put into local storage before the page loads it.
/// </summary>
internal static class SeededConversation
{
    public const string AnswerMarkdown = """
        # A gradient

        The picture shows a **smooth gradient** from `dark` to light.

        ```python
        print("hello")
        ```

        - left: dark
        - right: light

        | side | shade |
        |---|--:|
        | left | 0 |
        | right | 255 |
        """;

    public static async Task StoreAsync(Playground playground)
    {
        var messages = new JsonArray
        {
            new JsonObject
            {
                ["role"] = "user",
                ["text"] = "What is in this picture?",
                ["images"] = new JsonArray(new JsonObject
                {
                    ["name"] = "gradient_84x84.png", ["type"] = "image/png", ["size"] = 547,
                    ["dataUrl"] = DirectApi.FixtureDataUrl("gradient_84x84.png"),
                }),
            },
            new JsonObject
            {
                ["role"] = "assistant", ["text"] = AnswerMarkdown, ["model"] = "tiny-llava-visible", ["finishReason"] = "stop",
                ["metrics"] = Metrics(exact: true),
            },
            new JsonObject { ["role"] = "user", ["text"] = "Count to a thousand.", ["images"] = new JsonArray() },
            new JsonObject
            {
                ["role"] = "assistant", ["text"] = "One, two, three", ["model"] = "tiny-llava-visible", ["stopped"] = true,
                ["metrics"] = Metrics(exact: false),
            },
            new JsonObject { ["role"] = "user", ["text"] = "And this one?", ["images"] = new JsonArray() },
            new JsonObject
            {
                ["role"] = "assistant", ["text"] = "",
                ["error"] = new JsonObject
                {
                    ["message"] = "The image could not be decoded.", ["status"] = 400, ["type"] = "invalid_request_error",
                    ["code"] = null, ["param"] = "messages",
                },
                ["metrics"] = new JsonObject
                {
                    ["timeToFirstTokenMs"] = null, ["tokensPerSecond"] = null, ["promptTokens"] = null, ["completionTokens"] = 0, ["exact"] = false,
                },
            },
        };
        var conversations = new JsonArray(new JsonObject { ["id"] = "seeded", ["createdAt"] = 0, ["messages"] = messages });
        await playground.Page.EvaluateAsync(
            "([conversations]) => { localStorage.setItem('llava-playground.conversations', conversations); localStorage.setItem('llava-playground.current', 'seeded'); }",
            new[] { conversations.ToJsonString(new JsonSerializerOptions()) });
        await playground.Page.ReloadAsync();
    }

    private static JsonObject Metrics(bool exact) => new()
    {
        ["timeToFirstTokenMs"] = 14.2,
        ["tokensPerSecond"] = exact ? 412.5 : null,
        ["promptTokens"] = exact ? 52 : null,
        ["completionTokens"] = exact ? 41 : 3,
        ["exact"] = exact,
    };
}
