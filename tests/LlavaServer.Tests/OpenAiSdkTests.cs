using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Prompting;
using OpenAI;
using OpenAI.Chat;
using ChatMessage = OpenAI.Chat.ChatMessage;

namespace LlavaServer.Tests;

/// <summary>The official OpenAI .NET SDK, pointed at the server's /v1, must just work.</summary>
[Collection(nameof(ApiServer))]
public class OpenAiSdkTests(ApiServer server)
{
    private ChatClient Client => new(TestData.Model, new ApiKeyCredential("unused"),
        new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl + "/v1") });

    private static UserChatMessage UserWithImage(string text, params string[] images) =>
        new([.. images.Select(name => ChatMessageContentPart.CreateImagePart(
                BinaryData.FromBytes(TestData.ImageBytes(name)), TestData.MediaType(name))),
            ChatMessageContentPart.CreateTextPart(text)]);

    /// <summary>What the engine itself generates greedily for the same conversation.</summary>
    private async Task<(string Text, int PromptTokens, List<int> Ids)> EngineGreedyAsync(IReadOnlyList<Llava.Engine.Prompting.ChatMessage> messages, int maxTokens)
    {
        var prompt = server.Engine.Prompts.Build(messages);
        var text = new System.Text.StringBuilder();
        var ids = new List<int>();
        await foreach (var item in server.Engine.GenerateAsync(prompt, new Llava.Engine.Sampling.SamplingParams { Temperature = 0, MaxTokens = maxTokens }))
        {
            text.Append(item.Text);
            if (item.TokenId is { } id) ids.Add(id);
        }
        return (text.ToString(), prompt.TokenIds.Count, ids);
    }

    private static Llava.Engine.Prompting.ChatMessage EngineUser(string text, params string[] images) =>
        new("user", [.. images.Select(name => (ChatContentPart)new ImagePart(TestData.ImageBytes(name))), new TextPart(text)]);

    [Fact]
    public async Task NonStreamingCompletionWithAnImageMatchesTheEngine()
    {
        var completion = (await Client.CompleteChatAsync(
            [UserWithImage("What is shown in this image?", "gradient_84x84.png")],
            new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 })).Value;

        var expected = await EngineGreedyAsync([EngineUser("What is shown in this image?", "gradient_84x84.png")], 8);
        Assert.Equal(expected.Text, completion.Content.Single().Text);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(TestData.Model, completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal(expected.PromptTokens, completion.Usage.InputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 36, "prompt tokens include the image positions");
        Assert.Equal(8, completion.Usage.OutputTokenCount);
        Assert.Equal(expected.PromptTokens + 8, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task StreamingCompletionWithAnImageReassemblesToTheSameTextWithUsage()
    {
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in Client.CompleteChatStreamingAsync(
            [UserWithImage("Describe this photo in detail.", "landscape_640x480.png")],
            new ChatCompletionOptions { MaxOutputTokenCount = 10, Temperature = 0 }))
        {
            updates.Add(update);
        }

        var expected = await EngineGreedyAsync([EngineUser("Describe this photo in detail.", "landscape_640x480.png")], 10);
        Assert.Equal(expected.Text, string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)));
        Assert.Equal(ChatMessageRole.Assistant, updates.First().Role);
        Assert.Equal(ChatFinishReason.Length, updates.Single(u => u.FinishReason is not null).FinishReason);
        var usage = updates.Single(u => u.Usage is not null).Usage;
        Assert.Equal(expected.PromptTokens, usage.InputTokenCount);
        Assert.Equal(10, usage.OutputTokenCount);
        Assert.Same(updates[^1].Usage, usage);
        Assert.All(updates, u => Assert.Equal(updates[0].CompletionId, u.CompletionId));
    }

    /// <summary>
    /// Asked again, a prompt is served whole from the prefix cache, its image positions included; OpenAI's
    /// <c>usage.prompt_tokens_details.cached_tokens</c> says so in a response and in a stream's usage chunk.
    /// </summary>
    [Fact]
    public async Task ARepeatedPromptReportsItsPositionsAsCachedTokens()
    {
        // A question no other test asks, so only this test's first request can have cached the whole prompt.
        var question = "Which colours does this picture have? " + Guid.NewGuid().ToString("N");
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 4, Temperature = 0 };
        var first = (await Client.CompleteChatAsync([UserWithImage(question, "gradient_84x84.png")], options)).Value.Usage;
        var second = (await Client.CompleteChatAsync([UserWithImage(question, "gradient_84x84.png")], options)).Value.Usage;
        ChatTokenUsage? streamed = null;
        await foreach (var update in Client.CompleteChatStreamingAsync([UserWithImage(question, "gradient_84x84.png")], options))
            streamed = update.Usage ?? streamed;

        Assert.True(first.InputTokenDetails.CachedTokenCount < first.InputTokenCount, "the first request computed its question");
        Assert.True(second.InputTokenCount > 36, "the prompt includes the image positions");
        Assert.Equal(second.InputTokenCount, second.InputTokenDetails.CachedTokenCount);
        Assert.Equal(second.InputTokenCount, streamed!.InputTokenDetails.CachedTokenCount);
    }

    [Fact]
    public async Task TwoChoicesComeBackWithTheirIndexesAndSeparateSeeds()
    {
        var body = new JsonObject
        {
            ["model"] = TestData.Model,
            ["messages"] = new JsonArray(TestData.UserMessage("Tell me about the picture.", "tiny_10x7.png")),
            ["n"] = 2,
            ["max_completion_tokens"] = 6,
            ["temperature"] = 1.5,
            ["seed"] = 1234,
        };
        var first = await PostThroughSdkAsync(body);
        var again = await PostThroughSdkAsync(body);

        var choices = first.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal("length", c.GetProperty("finish_reason").GetString()));
        Assert.Equal(12, first.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var texts = choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).ToList();
        Assert.NotEqual(texts[0], texts[1]);
        Assert.Equal(texts, again.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()));
    }

    private async Task<JsonElement> PostThroughSdkAsync(JsonObject body)
    {
        var result = await Client.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(body.ToJsonString())));
        return JsonDocument.Parse(result.GetRawResponse().Content.ToString()).RootElement;
    }

    [Fact]
    public async Task StopSequenceEndsTheTextBeforeIt()
    {
        var unstopped = await EngineGreedyAsync([new("user", "What is the capital of France? Answer in one word.")], 12);
        var words = unstopped.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stop = words[2];
        var expected = unstopped.Text[..unstopped.Text.IndexOf(stop, StringComparison.Ordinal)];

        var completion = (await Client.CompleteChatAsync(
            [new UserChatMessage("What is the capital of France? Answer in one word.")],
            new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0, StopSequences = { "zzz-never", stop } })).Value;

        Assert.Equal(expected, completion.Content.Single().Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task MaxTokensEndsWithFinishReasonLength()
    {
        var completion = (await Client.CompleteChatAsync(
            [new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 3, Temperature = 0 })).Value;
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task LogprobsDescribeEachGeneratedToken()
    {
        var completion = (await Client.CompleteChatAsync(
            [UserWithImage("What colors do you see?", "tiny_10x7.png")],
            new ChatCompletionOptions { MaxOutputTokenCount = 5, Temperature = 0, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 })).Value;

        var expected = await EngineGreedyAsync([EngineUser("What colors do you see?", "tiny_10x7.png")], 5);
        var steps = completion.ContentTokenLogProbabilities;
        Assert.Equal(5, steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var tokenBytes = server.Engine.Tokenizer.TokenBytes(expected.Ids[i]);
            Assert.Equal(tokenBytes, steps[i].Utf8Bytes?.ToArray());
            Assert.Equal(System.Text.Encoding.UTF8.GetString(tokenBytes), steps[i].Token);
            Assert.Equal(3, steps[i].TopLogProbabilities.Count);
            Assert.Equal(steps[i].Token, steps[i].TopLogProbabilities[0].Token);
            Assert.Equal(steps[i].LogProbability, steps[i].TopLogProbabilities[0].LogProbability);
            Assert.True(steps[i].TopLogProbabilities[0].LogProbability >= steps[i].TopLogProbabilities[1].LogProbability);
            Assert.InRange(steps[i].LogProbability, float.NegativeInfinity, 0f);
        }
        // Decoding drops the one leading space SentencePiece puts before the first word, as Hugging Face does.
        var tokens = string.Concat(steps.Select(s => s.Token));
        Assert.Equal(completion.Content.Single().Text, tokens.StartsWith(' ') ? tokens[1..] : tokens);
    }

    [Fact]
    public async Task MultiTurnConversationWithTwoImages()
    {
        List<ChatMessage> messages =
        [
            new SystemChatMessage("You are a careful visual assistant."),
            UserWithImage("What color is the sky?", "photo_200x150_q90.jpg"),
            new AssistantChatMessage("The sky is blue."),
            UserWithImage("And in this one?", "portrait_300x500.png"),
        ];
        var completion = (await Client.CompleteChatAsync(messages, new ChatCompletionOptions { MaxOutputTokenCount = 6, Temperature = 0 })).Value;

        var expected = await EngineGreedyAsync(
        [
            new("system", "You are a careful visual assistant."),
            EngineUser("What color is the sky?", "photo_200x150_q90.jpg"),
            new("assistant", "The sky is blue."),
            EngineUser("And in this one?", "portrait_300x500.png"),
        ], 6);
        Assert.Equal(expected.Text, completion.Content.Single().Text);
        Assert.Equal(expected.PromptTokens, completion.Usage.InputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 2 * 36, "both images are in the prompt");
    }
}
