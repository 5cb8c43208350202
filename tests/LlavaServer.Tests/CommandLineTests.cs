using Llava.Engine.Prompting;
using LlavaServer.Cli;
using LlavaServer.Hosting;
using Microsoft.Extensions.Configuration;

namespace LlavaServer.Tests;

/// <summary>vLLM-style flags land on the same configuration keys as appsettings.json and the environment.</summary>
public class CommandLineTests
{
    private static ServerOptions Parse(params string[] args) =>
        OptionsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(CommandLine.ToSettings(args)).Build());

    [Fact]
    public void VllmFlagsMapOntoOptions()
    {
        var options = Parse("--served-model-name", "llava", "--host", "127.0.0.1", "--port", "9000", "--max-model-len", "1024",
            "--max-num-seqs", "2", "--api-key", "a,b", "--api-key=c", "--allowed-media-domains", "img.example.com",
            "--dtype", "bfloat16", "--device", "cuda:1", "--log-format", "json");

        Assert.Equal("llava", options.ServedModelName);
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(9000, options.Port);
        Assert.Equal(1024, options.MaxModelLen);
        Assert.Equal(2, options.MaxNumSeqs);
        Assert.Equal(["a", "b", "c"], options.ApiKeys.Where(k => k is "a" or "b" or "c"));
        Assert.Equal(["img.example.com"], options.AllowedMediaDomains);
        Assert.Equal("bfloat16", options.DType);
        Assert.Equal("cuda:1", options.Device);
        Assert.Equal("json", options.LogFormat);
    }

    [Fact]
    public void DefaultsAreVllmsAddressAndNoKeys()
    {
        var options = Parse();
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(8000, options.Port);
        Assert.Null(options.Model);
        Assert.Empty(options.AllowedMediaDomains);
        Assert.Null(options.QueueTimeoutSeconds);
    }

    [Fact]
    public void QueueTimeoutIsReadInSeconds()
    {
        Assert.Equal(2.5, Parse("--queue-timeout", "2.5").QueueTimeoutSeconds);
    }

    [Fact]
    public void ChatTemplateFlagsTakeAFileAndVllmsFormatNames()
    {
        var options = Parse("--chat-template", "/etc/llava/template.jinja", "--chat-template-content-format", "openai");

        Assert.Equal("/etc/llava/template.jinja", options.ChatTemplate);
        Assert.Equal(ChatTemplateContentFormat.OpenAI, options.ChatTemplateContentFormat);
        Assert.Equal(ChatTemplateContentFormat.String, Parse("--chat-template-content-format", "string").ChatTemplateContentFormat);
        Assert.Equal(ChatTemplateContentFormat.Auto, Parse().ChatTemplateContentFormat);
        Assert.Null(Parse().ChatTemplate);
        Assert.Throws<CliException>(() => Parse("--chat-template-content-format", "xml"));
        Assert.Throws<CliException>(() => Parse("--chat-template-content-format", "7"));
        Assert.Contains("--chat-template FILE ", CommandLine.Help());
        Assert.Contains("--chat-template-content-format FMT ", CommandLine.Help());
    }

    [Theory]
    [InlineData("--no-such-flag", "1")]
    [InlineData("--port", "seventy")]
    [InlineData("--port", "70000")]
    [InlineData("--log-format", "xml")]
    [InlineData("--queue-timeout", "0")]
    [InlineData("--model", "/no/such/folder")]
    public void BadFlagsAreRefusedWithAMessage(string flag, string value) =>
        Assert.Throws<CliException>(() => Parse(flag, value));

    [Fact]
    public void MetricsRequireKeyIsASwitchThatNeedsAKey()
    {
        Assert.False(Parse("--api-key", "k").MetricsRequireKey);
        Assert.True(Parse("--metrics-require-key", "--api-key", "k").MetricsRequireKey);
        Assert.True(Parse("--api-key", "k", "--metrics-require-key").MetricsRequireKey);
        Assert.False(Parse("--api-key", "k", "--metrics-require-key", "false").MetricsRequireKey);
        if (CommandLine.ApiKeyVariables.All(v => Environment.GetEnvironmentVariable(v) is null))
            Assert.Contains("needs --api-key", Assert.Throws<CliException>(() => Parse("--metrics-require-key")).Message);
    }

    [Fact]
    public void AllowedHostsAreAListAndEmptyByDefault()
    {
        Assert.Empty(Parse().AllowedHosts);
        Assert.Equal(["llava.example.com", "*.internal.example", "localhost"],
            Parse("--allowed-hosts", "llava.example.com,*.internal.example", "--allowed-hosts", "localhost").AllowedHosts);
    }

    [Fact]
    public void HelpDocumentsEveryOption()
    {
        var help = CommandLine.Help();
        foreach (var flag in new[]
        {
            "--model", "--served-model-name", "--device", "--dtype", "--host", "--port", "--max-model-len", "--max-num-seqs",
            "--max-waiting-requests", "--queue-timeout", "--default-max-tokens", "--max-choices", "--max-images-per-request", "--max-image-bytes",
            "--max-request-body-bytes", "--api-key", "--allowed-media-domains", "--media-fetch-timeout",
            "--shutdown-drain-seconds", "--otlp-endpoint", "--log-format", "--metrics-require-key", "--allowed-hosts", "--help",
        })
        {
            Assert.Contains(flag + " ", help);
        }
    }
}
