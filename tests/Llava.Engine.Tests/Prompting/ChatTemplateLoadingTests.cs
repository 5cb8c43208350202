using Llava.Engine.Prompting;

namespace Llava.Engine.Tests.Prompting;

/// <summary>Which file a model directory's template and special tokens come from.</summary>
public sealed class ChatTemplateLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chat-template-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_dir, file), text);

    private static readonly List<ChatMessage> Hello = [new("user", "hi")];

    [Fact]
    public void ChatTemplateJsonWinsOverJinjaAndTokenizerConfig()
    {
        Write("chat_template.json", """{"chat_template": "json:{{ messages[0].content }}"}""");
        Write("chat_template.jinja", "jinja");
        Write("tokenizer_config.json", """{"chat_template": "config"}""");

        var template = ChatTemplate.FromModelDirectory(_dir);

        Assert.Equal(ChatTemplateOrigin.ChatTemplateJson, template.Origin);
        Assert.Equal("json:hi", template.Render(Hello));
    }

    [Fact]
    public void JinjaFileWinsOverTokenizerConfigAndLosesItsTrailingNewline()
    {
        Write("chat_template.jinja", "{% for m in messages %}[{{ m.role }}]{% endfor %}\n");
        Write("tokenizer_config.json", """{"chat_template": "config"}""");

        var template = ChatTemplate.FromModelDirectory(_dir);

        Assert.Equal(ChatTemplateOrigin.ChatTemplateJinja, template.Origin);
        Assert.Equal("[user]", template.Render(Hello));
    }

    [Fact]
    public void TokenizerConfigStringTemplate()
    {
        Write("tokenizer_config.json", """{"chat_template": "{{ bos_token }}{{ messages|length }}{{ eos_token }}", "bos_token": "<s>", "eos_token": "</s>"}""");

        var template = ChatTemplate.FromModelDirectory(_dir);

        Assert.Equal(ChatTemplateOrigin.TokenizerConfig, template.Origin);
        Assert.Equal("<s>1</s>", template.Render(Hello));
    }

    [Fact]
    public void TokenizerConfigNamedTemplatesUseDefault()
    {
        Write("tokenizer_config.json", """
            {"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "default", "template": "default:{{ add_generation_prompt }}"}]}
            """);

        Assert.Equal("default:False", ChatTemplate.FromModelDirectory(_dir).Render(Hello, addGenerationPrompt: false));
    }

    [Fact]
    public void TokenizerConfigNamedTemplatesWithoutDefaultAreRejected()
    {
        Write("tokenizer_config.json", """{"chat_template": [{"name": "tool_use", "template": "tools"}]}""");

        Assert.Throws<InvalidDataException>(() => ChatTemplate.FromModelDirectory(_dir));
    }

    [Fact]
    public void NoTemplateAnywhereFallsBackToLlava15()
    {
        Write("tokenizer_config.json", """{"bos_token": "<s>"}""");

        var template = ChatTemplate.FromModelDirectory(_dir);

        Assert.Equal(ChatTemplateOrigin.BuiltInLlava15, template.Origin);
        Assert.Equal(Llava15FallbackTemplate.Source, template.Source);
        Assert.Equal("USER: hi ASSISTANT:", template.Render(Hello));
    }

    [Fact]
    public void SpecialTokensMayBeAddedTokenObjectsAndSpecialTokensMapOverrides()
    {
        Write("tokenizer_config.json", """
            {"chat_template": "{{ bos_token }}|{{ eos_token }}|{{ pad_token }}|{{ unk_token is defined }}",
             "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
             "eos_token": "</s>", "pad_token": "<pad>"}
            """);
        Write("special_tokens_map.json", """{"eos_token": {"content": "<|end|>"}}""");

        var template = ChatTemplate.FromModelDirectory(_dir);

        Assert.Equal("<s>", template.BosToken);
        Assert.Equal("<|end|>", template.EosToken);
        Assert.Equal("<s>|<|end|>|<pad>|False", template.Render(Hello));
    }

    [Fact]
    public void ToolsAndDocumentsAreNoneLikeHuggingFacePasses()
    {
        Write("chat_template.jinja", "{{ tools is none }}{{ documents is none }}{{ tools is defined }}");

        Assert.Equal("TrueTrueTrue", ChatTemplate.FromModelDirectory(_dir).Render(Hello));
    }

    [Fact]
    public void MalformedJsonIsReportedWithItsPath()
    {
        Write("chat_template.json", "{not json");

        var error = Assert.Throws<InvalidDataException>(() => ChatTemplate.FromModelDirectory(_dir));
        Assert.Contains("chat_template.json", error.Message);
    }

    [Fact]
    public void MessagesKeepStringContentAndTurnPartsIntoTypedDictionaries()
    {
        Write("chat_template.jinja",
            "{% for m in messages %}{{ m.role }}:{{ m.content if m.content is string else m.content|tojson }};{% endfor %}");
        var messages = new List<ChatMessage>
        {
            new("system", "plain"),
            new("user", [new TextPart("a"), new ImagePart(new byte[] { 1, 2 }), new TextPart("b")]),
        };

        Assert.Equal(
            """system:plain;user:[{"type": "text", "text": "a"}, {"type": "image"}, {"type": "text", "text": "b"}];""",
            ChatTemplate.FromModelDirectory(_dir).Render(messages));
    }

    [Fact]
    public void StrftimeNowUsesTheGivenClock()
    {
        Write("chat_template.jinja", "{{ strftime_now('%d %b %Y') }}");
        var clock = new Templating.PinnedClock(new DateTimeOffset(2025, 1, 5, 23, 0, 0, TimeSpan.Zero));

        Assert.Equal("05 Jan 2025", ChatTemplate.FromModelDirectory(_dir, clock).Render(Hello));
    }
}
