using System.Text.Json;
using Llava.Engine.Tokenization;
using Llava.TestSupport;
using LlavaServer.Cli;

namespace LlavaServer.Tests;

/// <summary>The one-shot CLI reproduces the reference continuation and reports it as JSON.</summary>
public class GenerateCommandTests
{
    [Fact]
    public async Task JsonOutputCarriesTheGoldenContinuation()
    {
        var golden = GoldenCases.Get("single_gradient");
        var greedy = golden.GetProperty("greedy");
        var output = new StringWriter();
        var exit = await GenerateCommand.RunAsync(new ArgumentReader(
        [
            "--model", RepoPaths.FixtureModel, "--image", RepoPaths.Image("gradient_84x84.png"),
            "--prompt", "What is shown in this image?", "--max-tokens", "12", "--top-logprobs", "5", "--json",
        ]), output);

        Assert.Equal(0, exit);
        using var result = JsonDocument.Parse(output.ToString());
        var root = result.RootElement;
        Assert.Equal(golden.GetProperty("num_input_tokens").GetInt32(), root.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(GoldenCases.Ints(greedy.GetProperty("ids")), GoldenCases.Ints(root.GetProperty("token_ids")));
        Assert.Equal(greedy.GetProperty("text").GetString(), root.GetProperty("text").GetString());
        Assert.Equal("length", root.GetProperty("finish_reason").GetString());

        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        var expected = greedy.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(expected.Count, steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("token").GetString(), steps[i].GetProperty("token").GetString());
            Assert.Equal(5, steps[i].GetProperty("top_logprobs").GetArrayLength());
            Assert.InRange(steps[i].GetProperty("logprob").GetDouble() - expected[i].GetProperty("logprob").GetDouble(), -1e-3, 1e-3);
        }
    }

    [Fact]
    public async Task ChatTemplateOverrideKeepsAStringSystemMessage()
    {
        var template = Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data", "llava-1.5-7b-hf", "chat_template.json");
        var output = new StringWriter();
        var exit = await GenerateCommand.RunAsync(new ArgumentReader(
        [
            "--model", RepoPaths.FixtureModel, "--chat-template", template, "--system", "You are a careful visual assistant.",
            "--prompt", "Hi", "--max-tokens", "1", "--json",
        ]), output);

        Assert.Equal(0, exit);
        using var result = JsonDocument.Parse(output.ToString());
        var expected = LlavaTokenizer.Load(RepoPaths.FixtureModel).Encode("You are a careful visual assistant. USER: Hi ASSISTANT:", true);
        Assert.Equal(expected.Count, result.RootElement.GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task UnknownContentFormatIsRefused()
    {
        var error = await Assert.ThrowsAsync<CliException>(() => GenerateCommand.RunAsync(
            new ArgumentReader(["--prompt", "hi", "--chat-template-content-format", "parts"]), new StringWriter()));
        Assert.Contains("parts", error.Message);
    }

    [Fact]
    public async Task MissingImageIsAClearError()
    {
        var error = await Assert.ThrowsAsync<CliException>(() => GenerateCommand.RunAsync(
            new ArgumentReader(["--prompt", "hi", "--image", "/no/such.png"]), new StringWriter()));
        Assert.Contains("/no/such.png", error.Message);
    }

    [Fact]
    public async Task UnknownOptionIsRefused()
    {
        var error = await Assert.ThrowsAsync<CliException>(() => GenerateCommand.RunAsync(
            new ArgumentReader(["--prompt", "hi", "--temprature", "1"]), new StringWriter()));
        Assert.Contains("--temprature", error.Message);
    }
}
