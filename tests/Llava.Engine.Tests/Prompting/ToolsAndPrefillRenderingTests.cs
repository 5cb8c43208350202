using System.Text.Json;
using Llava.Engine.Prompting;

namespace Llava.Engine.Tests.Prompting;

/// <summary>
/// What transformers' apply_chat_template hands a template for tools, tool calls and tool turns, and how
/// continue_final_message cuts the rendered prompt.
/// </summary>
public class ToolsAndPrefillRenderingTests
{
    private static readonly ChatTemplate Fallback = new(Llava15FallbackTemplate.Source, origin: ChatTemplateOrigin.BuiltInLlava15);

    /// <summary>A tool-use template in the style of Llama 3.1's: tools as JSON, calls with mapping arguments, tool turns by id.</summary>
    private static readonly ChatTemplate ToolTemplate = new(
        "{% if tools is not none %}{% for t in tools %}[{{ t.function.name }}:{{ t.function.parameters.properties.city.type }}]{% endfor %}{% endif %}"
        + "{% for m in messages %}{{ m.role }}:"
        + "{% if m.tool_calls is defined %}{% for c in m.tool_calls %}{{ c.id }}={{ c.function.name }}({{ c.function.arguments.city }},{{ c.function.arguments.days + 1 }}){% endfor %}{% endif %}"
        + "{% if m.tool_call_id is defined %}#{{ m.tool_call_id }} {% endif %}{{ m.content }};{% endfor %}");

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void OnlyATemplateThatReadsToolsRendersThem()
    {
        Assert.True(ToolTemplate.RendersTools);
        Assert.False(Fallback.RendersTools);
        Assert.False(new ChatTemplate("{# tools are not used #}{{ 'tools' }}{% for m in messages %}{{ m.content }}{% endfor %}").RendersTools);
    }

    [Fact]
    public void ToolsCallsAndToolTurnsReachTheTemplateAsTransformersPassesThem()
    {
        List<ChatMessage> messages =
        [
            new("user", "Weather?"),
            new("assistant", "") { ToolCalls = [new ChatToolCall("call_1", "get_weather", Json("""{"city": "Oslo", "days": 2}"""))] },
            new("tool", "sunny") { ToolCallId = "call_1" },
        ];
        var tools = new[] { Json("""{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}""") };

        var rendered = ToolTemplate.Render(messages, new ChatRenderOptions(AddGenerationPrompt: false, Tools: tools));

        // Arguments are a mapping (days + 1 is arithmetic on an integer); only messages with calls or ids carry those keys.
        Assert.Equal("[get_weather:string]user:Weather?;assistant:call_1=get_weather(Oslo,3);tool:#call_1 sunny;", rendered);
        Assert.Equal("user:Weather?;", ToolTemplate.Render([new ChatMessage("user", "Weather?")], addGenerationPrompt: false));
    }

    [Fact]
    public void ContinuingCutsRightAfterTheFinalMessageDroppingTheTemplatesSeparator()
    {
        List<ChatMessage> messages = [new("user", "Hi"), new("assistant", "Hello! I am")];
        Assert.Equal("USER: Hi ASSISTANT: Hello! I am ", Fallback.Render(messages, addGenerationPrompt: false));
        Assert.Equal("USER: Hi ASSISTANT: Hello! I am", Fallback.Render(messages, new ChatRenderOptions(AddGenerationPrompt: false, ContinueFinalMessage: true)));
    }

    [Theory]
    // The template keeps the message's trailing space: so does the cut.
    [InlineData("{% for m in messages %}{{ m.content }}</s>{% endfor %}", "Hello ", "Hello ")]
    // The template trims it: the cut ends at the trimmed text.
    [InlineData("{% for m in messages %}{{ m.content | trim }}</s>{% endfor %}", "Hello ", "Hello")]
    // A leading space always cuts at the trimmed text's end, as transformers compares with the untrimmed message.
    [InlineData("{% for m in messages %}{{ m.content }}</s>{% endfor %}", " Hello ", " Hello")]
    // The last occurrence counts.
    [InlineData("{% for m in messages %}{{ m.content }}|{{ m.content }}</s>{% endfor %}", "ab", "ab|ab")]
    public void TrailingSpaceIsKeptOnlyWhereTheTemplateKeepsIt(string source, string final, string expected)
    {
        var template = new ChatTemplate(source);
        Assert.Equal(expected, template.Render([new ChatMessage("assistant", final)], new ChatRenderOptions(false, ContinueFinalMessage: true)));
    }

    [Fact]
    public void TheLastTextPartIsTheOneContinued()
    {
        var template = new ChatTemplate("{% for m in messages %}{% for p in m.content %}{{ p.text }}/{% endfor %}{% endfor %}<end>");
        var message = new ChatMessage("assistant", [new TextPart("first"), new TextPart("second")]);
        Assert.Equal("first/second", template.Render([message], new ChatRenderOptions(false, ContinueFinalMessage: true)));
    }

    [Fact]
    public void AFinalMessageTheTemplateDoesNotRenderCannotBeContinued()
    {
        var template = new ChatTemplate("{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% endif %}{% endfor %}");
        var error = Assert.Throws<PromptException>(() =>
            template.Render([new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Sure")], new ChatRenderOptions(false, ContinueFinalMessage: true)));
        Assert.Equal("messages", error.Param);
    }
}
