using System.Text.Json;
using Llava.Engine.Prompting;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Prompting;

/// <summary>The fixture checkpoint's own template must reproduce every golden prompt Hugging Face produced.</summary>
public class ChatTemplateGoldenTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in GoldenCases())
            data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RendersGoldenPrompt(string name)
    {
        var golden = GoldenCases().Single(c => c.GetProperty("name").GetString() == name);
        var messages = golden.GetProperty("messages").EnumerateArray().Select(ToChatMessage).ToList();

        var prompt = ChatTemplate.FromModelDirectory(RepoPaths.FixtureModel).Render(messages);

        Assert.Equal(golden.GetProperty("prompt").GetString(), prompt);
    }

    [Fact]
    public void FixtureTemplateComesFromChatTemplateJsonWithTokenizerSpecialTokens()
    {
        var template = ChatTemplate.FromModelDirectory(RepoPaths.FixtureModel);

        Assert.Equal(ChatTemplateOrigin.ChatTemplateJson, template.Origin);
        Assert.Equal("<s>", template.BosToken);
        Assert.Equal("</s>", template.EosToken);
    }

    [Fact]
    public void AssistantTurnEndsWithEosInFixtureTemplate()
    {
        var template = ChatTemplate.FromModelDirectory(RepoPaths.FixtureModel);
        var messages = new List<ChatMessage>
        {
            new("user", [new ImagePart(ReadOnlyMemory<byte>.Empty), new TextPart("Hi")]),
            new("assistant", "Hello there."),
        };

        Assert.Equal("USER: <image>\nHi ASSISTANT: Hello there.</s>", template.Render(messages, addGenerationPrompt: false));
    }

    private static List<JsonElement> GoldenCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.GoldenJson));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToList();
    }

    /// <summary>OpenAI-style message → ChatMessage; image_url parts become images without data (rendering ignores bytes).</summary>
    private static ChatMessage ToChatMessage(JsonElement message)
    {
        var role = message.GetProperty("role").GetString()!;
        var content = message.GetProperty("content");
        if (content.ValueKind == JsonValueKind.String)
            return new ChatMessage(role, content.GetString()!);
        var parts = content.EnumerateArray().Select(p => p.GetProperty("type").GetString() switch
        {
            "text" => (ChatContentPart)new TextPart(p.GetProperty("text").GetString()!),
            "image_url" => new ImagePart(ReadOnlyMemory<byte>.Empty),
            var other => throw new InvalidDataException($"unexpected part type {other}"),
        }).ToList();
        return new ChatMessage(role, parts);
    }
}
