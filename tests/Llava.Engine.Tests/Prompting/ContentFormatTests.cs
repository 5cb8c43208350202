using System.Text.Json;
using Llava.Engine.Prompting;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Prompting;

/// <summary>
/// Content formats against Data/content_format_cases.json (generate_content_format_cases.py): the format vLLM's rule
/// gives each template on Jinja2's own AST, and llava-1.5-7b-hf's prompts as Hugging Face's LlavaProcessor renders them.
/// </summary>
public class ContentFormatTests
{
    private static readonly string DataDir = Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data");

    private static readonly Lazy<JsonElement> Cases = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, "content_format_cases.json"))).RootElement);

    public static TheoryData<string> DetectionCases() => Names("detection");

    public static TheoryData<string> Llava15Cases() => Names("llava15");

    public static TheoryData<string> Llava15StringOnlyCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.Value.GetProperty("llava15").EnumerateArray())
        {
            if (c.GetProperty("messages").EnumerateArray().All(m => m.GetProperty("content").ValueKind == JsonValueKind.String))
                data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DetectionCases))]
    public void DetectsTheFormatVllmsRuleGivesOnJinja2sTree(string name)
    {
        var c = Case("detection", name);

        var template = new ChatTemplate(c.GetProperty("template").GetString()!);

        var expected = c.GetProperty("format").GetString() == "openai" ? ChatTemplateContentFormat.OpenAI : ChatTemplateContentFormat.String;
        Assert.Equal(expected, template.DetectedContentFormat);
        Assert.Equal(expected, template.ContentFormat);
    }

    [Fact]
    public void EveryLlavaHfTemplateLoopsOverPartsAndTheFixtureToo()
    {
        foreach (var model in new[] { "llava-1.5-7b-hf", "llava-v1.6-mistral-7b-hf", "llava-v1.6-34b-hf", "llama3-llava-next-8b-hf", "llava-interleave-qwen-0.5b-hf" })
            Assert.Equal(ChatTemplateContentFormat.OpenAI, ChatTemplate.FromModelDirectory(Path.Combine(DataDir, model)).ContentFormat);
        Assert.Equal(ChatTemplateContentFormat.OpenAI, ChatTemplate.FromModelDirectory(RepoPaths.FixtureModel).ContentFormat);
    }

    [Theory]
    [MemberData(nameof(Llava15Cases))]
    public void Llava15_RendersWhatHuggingFaceRendersWithEveryStringAsATextPart(string name)
    {
        var c = Case("llava15", name);

        var prompt = ChatTemplate.FromModelDirectory(Path.Combine(DataDir, "llava-1.5-7b-hf"))
            .Render(Messages(c), c.GetProperty("add_generation_prompt").GetBoolean());

        Assert.Equal(c.GetProperty("prompt").GetString(), prompt);
    }

    [Theory]
    [MemberData(nameof(Llava15StringOnlyCases))]
    public void Llava15_StringFormatOverrideRendersWhatHuggingFaceRendersForTheConversationAsSent(string name)
    {
        var c = Case("llava15", name);

        var prompt = ChatTemplate.FromModelDirectory(Path.Combine(DataDir, "llava-1.5-7b-hf"), contentFormat: ChatTemplateContentFormat.String)
            .Render(Messages(c), c.GetProperty("add_generation_prompt").GetBoolean());

        Assert.Equal(c.GetProperty("prompt_as_sent").GetString(), prompt);
    }

    [Fact]
    public void TemplateReadingContentAsAStringKeepsGettingStrings()
    {
        var c = Cases.Value.GetProperty("string_template");

        var template = new ChatTemplate(c.GetProperty("template").GetString()!);

        Assert.Equal(ChatTemplateContentFormat.String, template.ContentFormat);
        Assert.Equal(c.GetProperty("prompt").GetString(), template.Render(Messages(c)));
    }

    [Fact]
    public void OpenAIFormatForcedOnAStringTemplateHandsItTheParts()
    {
        var template = new ChatTemplate(Cases.Value.GetProperty("string_template").GetProperty("template").GetString()!,
            contentFormat: ChatTemplateContentFormat.OpenAI);

        Assert.Equal(ChatTemplateContentFormat.String, template.DetectedContentFormat);
        Assert.Equal("user: [{'type': 'text', 'text': 'Hi'}]\nassistant:", template.Render([new ChatMessage("user", "Hi")]));
    }

    private static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.Value.GetProperty(section).EnumerateArray())
            data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonElement Case(string section, string name) =>
        Cases.Value.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static List<ChatMessage> Messages(JsonElement c) => TemplateCaseMessages.From(c);
}
