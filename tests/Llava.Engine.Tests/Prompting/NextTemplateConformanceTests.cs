using System.Text.Json;
using Llava.Engine.Prompting;
using Llava.Engine.Templating;
using Llava.Engine.Tokenization;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Prompting;

/// <summary>
/// The LLaVA-NeXT checkpoints' own chat templates (Mistral <c>[INST]</c>, Vicuna, Yi-34B ChatML, Llama 3 headers)
/// against Data/next_template_cases.json (generate_next_template_cases.py): the prompts Hugging Face's
/// <c>LlavaNextProcessor.apply_chat_template</c> renders for single and several images, system messages, multi-turn
/// chats, string and parts content, and the token ids of those prompts; a conversation a template refuses must be
/// refused with the template's own message.
/// </summary>
public class NextTemplateConformanceTests
{
    private static readonly string DataDir = Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data");

    private static readonly Lazy<JsonElement> Checkpoints = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, "next_template_cases.json"))).RootElement.GetProperty("checkpoints"));

    private static readonly Lazy<LlavaTokenizer> Tokenizer = new(() => LlavaTokenizer.Load(RepoPaths.FixtureModel));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var checkpoint in Checkpoints.Value.EnumerateObject())
        {
            foreach (var c in checkpoint.Value.GetProperty("cases").EnumerateArray())
                data.Add(checkpoint.Name, c.GetProperty("name").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RendersAndTokenizesWhatHuggingFaceDoes(string checkpoint, string name)
    {
        var entry = Checkpoints.Value.GetProperty(checkpoint);
        var c = entry.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var template = ChatTemplate.FromModelDirectory(Path.Combine(DataDir, entry.GetProperty("template_folder").GetString()!));
        var messages = TemplateCaseMessages.From(c);
        var addGenerationPrompt = c.GetProperty("add_generation_prompt").GetBoolean();

        if (c.TryGetProperty("error", out var error))
        {
            var refused = Assert.Throws<TemplateException>(() => template.Render(messages, addGenerationPrompt));
            Assert.True(refused.RaisedByTemplate);
            Assert.Equal(error.GetString(), refused.Reason);
            return;
        }

        var prompt = template.Render(messages, addGenerationPrompt);

        Assert.Equal(c.GetProperty("prompt").GetString(), prompt);
        Assert.Equal(GoldenCases.Ints(c.GetProperty("input_ids")), Tokenizer.Value.Encode(prompt));
    }

}
