using Llava.Engine.Prompting;
using Llava.Engine.Templating;
using Llava.TestSupport;

namespace Llava.Engine.Tests.Prompting;

/// <summary>
/// The chat templates of real llava-hf checkpoints (Data/, sources in Data/SOURCES.md). Expected prompts are derived by
/// hand from Jinja2 semantics; the first two for llava-1.5-7b-hf are published in transformers' own tests.
/// </summary>
public class LlavaHfTemplateTests
{
    private static readonly ImagePart Image = new(ReadOnlyMemory<byte>.Empty);

    private static ChatTemplate Load(string model) =>
        ChatTemplate.FromModelDirectory(Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data", model));

    private static ChatMessage User(params ChatContentPart[] parts) => new("user", parts);

    private static ChatMessage Assistant(string text) => new("assistant", [new TextPart(text)]);

    [Fact]
    public void Llava15_PublishedSingleImagePrompt()
    {
        var prompt = Load("llava-1.5-7b-hf").Render([User(Image, new TextPart("What is shown in this image?"))]);

        Assert.Equal("USER: <image>\nWhat is shown in this image? ASSISTANT:", prompt);
    }

    [Fact]
    public void Llava15_PublishedContinuationPromptIsTheRenderWithoutItsTrailingSpace()
    {
        // transformers' continue_final_message test expects "… ASSISTANT: There is a dog and": the full render cut
        // right after the final message's text, which the template follows with one space.
        var prompt = Load("llava-1.5-7b-hf").Render(
            [User(Image, new TextPart("Describe this image.")), Assistant("There is a dog and")],
            addGenerationPrompt: false);

        Assert.Equal("USER: <image>\nDescribe this image. ASSISTANT: There is a dog and ", prompt);
    }

    [Fact]
    public void Llava15_ImagesFirstThenEveryTextPartWithTrailingSpace()
    {
        var prompt = Load("llava-1.5-7b-hf").Render([User(new TextPart("Compare"), Image, new TextPart("these"), Image)]);

        Assert.Equal("USER: <image>\n<image>\nCompare these ASSISTANT:", prompt);
    }

    [Fact]
    public void Llava15_MultiTurnHasNoEndOfSequenceAfterAssistant()
    {
        var prompt = Load("llava-1.5-7b-hf").Render(
        [
            User(Image, new TextPart("What color is the sky?")),
            Assistant("Blue."),
            User(new TextPart("Are you sure?")),
        ]);

        Assert.Equal("USER: <image>\nWhat color is the sky? ASSISTANT: Blue. USER: Are you sure? ASSISTANT:", prompt);
    }

    [Fact]
    public void Llava15_SystemHasNoRolePrefixAndStringContentReachesTheTemplateAsOneTextPart()
    {
        var template = Load("llava-1.5-7b-hf");

        Assert.Equal("Be concise. USER: Hi ASSISTANT:",
            template.Render([new ChatMessage("system", [new TextPart("Be concise.")]), User(new TextPart("Hi"))]));
        Assert.Equal("Be concise. USER: Hello ASSISTANT:",
            template.Render([new ChatMessage("system", "Be concise."), new ChatMessage("user", "Hello")]));
    }

    [Fact]
    public void Llava15_StringFormatForcedHandsTheStringOverAndItsTextVanishes()
    {
        var template = ChatTemplate.FromModelDirectory(
            Path.Combine(RepoPaths.Root, "tests", "Llava.Engine.Tests", "Prompting", "Data", "llava-1.5-7b-hf"),
            contentFormat: ChatTemplateContentFormat.String);

        // The template only understands content lists: a plain string is iterated character by character, none of
        // which has a 'type', so its text vanishes (Hugging Face renders exactly this for the conversation as sent).
        Assert.Equal("USER: ASSISTANT:", template.Render([new ChatMessage("system", "Be concise."), new ChatMessage("user", "Hello")]));
    }

    [Fact]
    public void LlavaNextMistral_InstFormatWithLiteralBackslashEndMarker()
    {
        var template = Load("llava-v1.6-mistral-7b-hf");

        Assert.Equal("[INST] <image>\nWhat is shown in this image? [/INST]",
            template.Render([User(Image, new TextPart("What is shown in this image?"))]));
        Assert.Equal("<<SYS>>\nBe brief.\n<</SYS>>\n\n[INST] Q1 [/INST] A1<\\s> [INST] Q2 [/INST]",
            template.Render(
            [
                new ChatMessage("system", [new TextPart("Be brief.")]),
                User(new TextPart("Q1")),
                Assistant("A1"),
                User(new TextPart("Q2")),
            ]));
    }

    [Fact]
    public void LlavaNextMistral_RejectsOtherRolesThroughRaiseException()
    {
        var error = Assert.Throws<TemplateException>(() =>
            Load("llava-v1.6-mistral-7b-hf").Render([new ChatMessage("tool", [new TextPart("42")])]));

        Assert.True(error.RaisedByTemplate);
        Assert.Equal("Only user and assistant roles are supported!", error.Reason);
        // The template's string literals contain five real newlines before the raise_exception call.
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void Llama3LlavaNext_HeaderFormat()
    {
        var prompt = Load("llama3-llava-next-8b-hf").Render([User(Image, new TextPart("What is shown?"))]);

        Assert.Equal(
            "<|start_header_id|>user<|end_header_id|>\n\n<image>\nWhat is shown?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            prompt);
    }

    [Fact]
    public void InterleaveQwen_ChatMlFormat()
    {
        var prompt = Load("llava-interleave-qwen-0.5b-hf").Render(
            [User(Image, Image, new TextPart("What are these?")), Assistant("Two cats."), User(new TextPart("Sure?"))]);

        Assert.Equal(
            "<|im_start|>user\n<image><image>\nWhat are these?<|im_end|>\n<|im_start|>assistant\n\nTwo cats.<|im_end|>\n"
            + "<|im_start|>user\n\nSure?<|im_end|>\n<|im_start|>assistant\n",
            prompt);
    }
}
