using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;

namespace LlavaServer.Tests;

/// <summary>
/// Assistant prefill (vLLM's continue_final_message) continues the final message, on /v1/chat/completions and /tokenize;
/// logit_bias steers the choice while the logprobs stay the unbiased model's.
/// </summary>
[Collection(nameof(ApiServer))]
public class PrefillAndLogitBiasTests(ApiServer server)
{
    private const string Prefix = "Sure, the answer is";

    private static JsonArray Conversation() =>
    [
        new JsonObject { ["role"] = "user", ["content"] = "What is two plus two?" },
        new JsonObject { ["role"] = "assistant", ["content"] = Prefix },
    ];

    private static readonly ChatMessage[] EngineConversation = [new("user", "What is two plus two?"), new("assistant", Prefix)];

    private async Task<JsonElement> PostAsync(string path, JsonNode body)
    {
        using var response = await server.Http.PostAsync(path, TestData.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<string> TokenizedTextAsync(bool continueFinal)
    {
        var body = new JsonObject { ["messages"] = Conversation(), ["add_generation_prompt"] = false };
        if (continueFinal) body["continue_final_message"] = true;
        var result = await PostAsync("/tokenize", body);
        return server.Engine.Tokenizer.Decode(result.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToList(), skipSpecialTokens: false);
    }

    [Fact]
    public async Task TokenizeCutsThePromptRightAfterTheFinalMessage()
    {
        var whole = await TokenizedTextAsync(continueFinal: false);
        var continued = await TokenizedTextAsync(continueFinal: true);
        Assert.EndsWith(Prefix, continued);
        Assert.StartsWith(continued, whole);
        Assert.NotEqual(whole, continued);
    }

    [Fact]
    public async Task PrefillReturnsOnlyTheContinuationTheEngineGenerates()
    {
        var body = TestData.Chat(Conversation(), 8);
        body["continue_final_message"] = true;
        body["add_generation_prompt"] = false;
        body["ignore_eos"] = true;
        var content = (await PostAsync("/v1/chat/completions", body)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

        var prompt = await server.Engine.Prompts.BuildAsync(EngineConversation, new ChatRenderOptions(AddGenerationPrompt: false, ContinueFinalMessage: true));
        Assert.EndsWith(Prefix, prompt.Text);
        var expected = new System.Text.StringBuilder();
        await foreach (var item in server.Engine.GenerateAsync(prompt, new SamplingParams { Temperature = 0, MaxTokens = 8, IgnoreEos = true }))
            expected.Append(item.Text);
        Assert.Equal(expected.ToString(), content);
    }

    /// <summary>The unbiased model's first step: its greedy token and the runner-up, with their logprobs.</summary>
    private async Task<StepLogprobs> FirstStepAsync()
    {
        var prompt = await server.Engine.Prompts.BuildAsync([new ChatMessage("user", "Hello")]);
        await foreach (var item in server.Engine.GenerateAsync(prompt, new SamplingParams { Temperature = 0, MaxTokens = 1, TopLogprobs = 2, IgnoreEos = true }))
        {
            if (item.Logprobs is { } step) return step;
        }
        throw new InvalidOperationException("no logprobs");
    }

    private async Task<JsonElement> FirstTokenWithBiasAsync(int id, double bias)
    {
        var body = TestData.TextChat("Hello", 1);
        body["logit_bias"] = new JsonObject { [id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = bias };
        body["logprobs"] = true;
        body["ignore_eos"] = true;
        return (await PostAsync("/v1/chat/completions", body)).GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content")[0];
    }

    [Fact]
    public async Task APositiveBiasPicksTheTokenAndItsLogprobStaysTheUnbiasedOne()
    {
        var step = await FirstStepAsync();
        var runnerUp = step.Top[1];
        var entry = await FirstTokenWithBiasAsync(runnerUp.TokenId, 50);
        // Biased by +50 the token's probability is about 1 (logprob near 0); reported, it is the raw model's.
        Assert.Equal(runnerUp.Logprob, entry.GetProperty("logprob").GetSingle(), 4);
        Assert.True(runnerUp.Logprob < step.Chosen.Logprob);
    }

    [Fact]
    public async Task ANegativeBiasBansTheGreedyToken()
    {
        var step = await FirstStepAsync();
        var entry = await FirstTokenWithBiasAsync(step.Chosen.TokenId, -100);
        // Greedy now takes the runner-up, whose raw logprob is what comes back.
        Assert.Equal(step.Top[1].Logprob, entry.GetProperty("logprob").GetSingle(), 4);
    }
}
