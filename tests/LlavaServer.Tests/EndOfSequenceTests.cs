using System.Text.Json;
using Llava.Engine.Sampling;
using Llava.TestSupport;
using LlavaServer.TestHost;

namespace LlavaServer.Tests;

/// <summary>
/// A checkpoint's generation_config.json may list several end-of-sequence ids. Each ends the sequence, and like the
/// tokenizer's EOS it appears neither in the text nor in <c>logprobs.content</c>.
/// </summary>
public sealed class EndOfSequenceTests : IAsyncLifetime
{
    private readonly string _model = Path.Combine(Path.GetTempPath(), "llava-eos-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_model);
        foreach (var file in Directory.GetFiles(RepoPaths.FixtureModel))
            File.CreateSymbolicLink(Path.Combine(_model, Path.GetFileName(file)), file);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_model, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryListedEosIdEndsTheSequenceUnseen()
    {
        int second;
        string firstText;
        await using (var plain = await LoopbackServer.StartAsync(["--model", _model]))
        {
            var engine = plain.Engine;
            var prompt = engine.Prompts.Build([new Llava.Engine.Prompting.ChatMessage("user", "Hello")]);
            var tokens = new List<int>();
            await foreach (var item in engine.GenerateAsync(prompt, new SamplingParams { Temperature = 0, MaxTokens = 2 }))
                if (item.TokenId is { } id) tokens.Add(id);
            Assert.Equal(2, tokens.Count);
            Assert.NotEqual(tokens[0], tokens[1]);
            second = tokens[1];
            firstText = "";
            await foreach (var item in engine.GenerateAsync(prompt, new SamplingParams { Temperature = 0, MaxTokens = 1 }))
                firstText += item.Text;
        }

        File.Delete(Path.Combine(_model, "generation_config.json"));
        await File.WriteAllTextAsync(Path.Combine(_model, "generation_config.json"), $$"""{"eos_token_id": [2, {{second}}]}""");
        await using var server = await LoopbackServer.StartAsync(["--model", _model]);
        Assert.Contains(second, server.Engine.EosTokenIds);

        var body = TestData.TextChat("Hello", 8);
        body["model"] = Path.GetFileName(_model);
        body["logprobs"] = true;
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions", TestData.Json(body));
        response.EnsureSuccessStatusCode();
        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];

        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(firstText, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Single(choice.GetProperty("logprobs").GetProperty("content").EnumerateArray());
    }
}
