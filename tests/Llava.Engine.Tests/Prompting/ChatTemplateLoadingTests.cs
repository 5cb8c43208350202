using Llava.Engine.Prompting;

namespace Llava.Engine.Tests.Prompting;

/// <summary>Which file a model directory's template and special tokens come from.</summary>
public sealed class ChatTemplateLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("chat-template-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_dir, file), text);

    private static readonly List<ChatMessage> Hello = [new("user", "hi")];

    private static readonly List<ChatMessage> MixedMessages =
    [
        new("system", "plain"),
        new("user", [new TextPart("a"), new ImagePart(new byte[] { 1, 2 }), new TextPart("b")]),
    ];

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
    public void OpenAIFormatTurnsPartsIntoTypedDictionariesAndStringsIntoOneTextPart()
    {
        Write("chat_template.jinja", "{% for m in messages %}{{ m.role }}:{{ m.content|tojson }};{% endfor %}");

        Assert.Equal(
            """system:[{"type": "text", "text": "plain"}];user:[{"type": "text", "text": "a"}, {"type": "image"}, {"type": "text", "text": "b"}];""",
            ChatTemplate.FromModelDirectory(_dir, contentFormat: ChatTemplateContentFormat.OpenAI).Render(MixedMessages));
    }

    [Fact]
    public void StringFormatKeepsStringsAndFlattensPartsLikeVllm()
    {
        // vLLM's _get_full_multimodal_text_prompt: one placeholder line per image first, then the texts joined by "\n".
        Write("chat_template.jinja", "{% for m in messages %}{{ m.role }}:{{ m.content|tojson }};{% endfor %}");

        Assert.Equal(
            """system:"plain";user:"<image>\n<image>\na\nb";""",
            ChatTemplate.FromModelDirectory(_dir, contentFormat: ChatTemplateContentFormat.String).Render(
            [
                new("system", "plain"),
                new("user", [new TextPart("a"), new ImagePart(new byte[] { 1, 2 }), new TextPart("b"), new ImagePart(new byte[] { 3 })]),
            ]));
    }

    [Fact]
    public void OverrideFileReplacesTheDirectorysTemplateAndKeepsItsSpecialTokens()
    {
        Write("chat_template.json", """{"chat_template": "directory"}""");
        Write("tokenizer_config.json", """{"bos_token": "<s>"}""");
        var file = Path.Combine(_dir, "override.jinja");
        File.WriteAllText(file, "{{ bos_token }}override:{{ messages[0].content }}");

        var template = ChatTemplate.FromModelDirectory(_dir, templateOverride: file);

        Assert.Equal(ChatTemplateOrigin.Override, template.Origin);
        Assert.Equal("<s>override:hi", template.Render(Hello));
    }

    [Fact]
    public void OverrideJsonFileIsReadLikeChatTemplateJson()
    {
        var file = Path.Combine(_dir, "other.json");
        File.WriteAllText(file, """{"chat_template": "json override:{{ messages[0].content }}"}""");

        Assert.Equal("json override:hi", ChatTemplate.FromModelDirectory(_dir, templateOverride: file).Render(Hello));
    }

    [Fact]
    public void OverrideThatIsNoFileButLooksLikeATemplateIsTheTemplateWithEscapesDecoded()
    {
        var template = ChatTemplate.FromModelDirectory(_dir, templateOverride: @"{% for m in messages %}{{ m.content }}\n{% endfor %}");

        Assert.Equal(ChatTemplateOrigin.Override, template.Origin);
        Assert.Equal("hi\n", template.Render(Hello));
    }

    [Fact]
    public void OverrideNamingAMissingFileFails()
    {
        var error = Assert.Throws<FileNotFoundException>(() =>
            ChatTemplate.FromModelDirectory(_dir, templateOverride: Path.Combine(_dir, "missing.jinja")));
        Assert.Contains("missing.jinja", error.Message);
    }
}
