using Llava.Engine.Prompting;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Prompting;

/// <summary>The built-in fallback is llava-hf/llava-1.5-7b-hf's template, and plain-string content is not lost in it.</summary>
public class Llava15FallbackTemplateTests
{
    private static readonly ChatTemplate Fallback = new(Llava15FallbackTemplate.Source, origin: ChatTemplateOrigin.BuiltInLlava15);

    private static readonly ChatTemplate HubTemplate = ChatTemplate.FromModelDirectory(
        Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data", "llava-1.5-7b-hf"));

    [Fact]
    public void IsTheHubTemplateVerbatim() => Assert.Equal(Llava15FallbackTemplate.Source, HubTemplate.Source);

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

        Assert.Equal(ChatTemplateContentFormat.OpenAI, Fallback.ContentFormat);
        Assert.Equal("Be brief. USER: Hi ASSISTANT: Hello! USER: Bye ASSISTANT:", Fallback.Render(asStrings));
        Assert.Equal(Fallback.Render(asParts), Fallback.Render(asStrings));
    }
}
