using Llava.Engine.Prompting;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Prompting;

/// <summary>The built-in fallback must behave like llava-hf/llava-1.5-7b-hf's template, plus plain-string content.</summary>
public class Llava15FallbackTemplateTests
{
    private static readonly ImagePart Image = new(ReadOnlyMemory<byte>.Empty);

    private static readonly ChatTemplate Fallback = new(Llava15FallbackTemplate.Source, origin: ChatTemplateOrigin.BuiltInLlava15);

    private static readonly ChatTemplate HubTemplate = ChatTemplate.FromModelDirectory(
        Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data", "llava-1.5-7b-hf"));

    public static TheoryData<string> Conversations => new(PartConversations.Keys);

    private static readonly Dictionary<string, List<ChatMessage>> PartConversations = new()
    {
        ["single"] = [new("user", [Image, new TextPart("What is shown in this image?")])],
        ["two_images"] = [new("user", [new TextPart("Compare"), Image, Image])],
        ["multi_turn"] =
        [
            new("user", [Image, new TextPart("Sky?")]),
            new("assistant", [new TextPart("Blue.")]),
            new("user", [new TextPart("Sure?")]),
        ],
        ["system_parts"] = [new("system", [new TextPart("Be brief.")]), new("user", [new TextPart("Hi")])],
        ["text_only"] = [new("user", [new TextPart("Hello")])],
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public void MatchesHubTemplateForPartContent(string name)
    {
        foreach (var generationPrompt in new[] { true, false })
        {
            Assert.Equal(
                HubTemplate.Render(PartConversations[name], generationPrompt),
                Fallback.Render(PartConversations[name], generationPrompt));
        }
    }

    [Fact]
    public void StringContentRendersLikeOneTextPart()
    {
        List<ChatMessage> asStrings = [new("system", "Be brief."), new("user", "Hi"), new("assistant", "Hello!"), new("user", "Bye")];
        List<ChatMessage> asParts =
        [
            new("system", [new TextPart("Be brief.")]),
            new("user", [new TextPart("Hi")]),
            new("assistant", [new TextPart("Hello!")]),
            new("user", [new TextPart("Bye")]),
        ];

        Assert.Equal("Be brief. USER: Hi ASSISTANT: Hello! USER: Bye ASSISTANT:", Fallback.Render(asStrings));
        Assert.Equal(HubTemplate.Render(asParts), Fallback.Render(asStrings));
    }
}
