using System.Collections.Concurrent;
using Llava.TestSupport;
using LlavaServer.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlavaServer.Tests;

/// <summary>Building the server warns when it will listen beyond loopback with no API key (nothing is started).</summary>
public class OpenListenerWarningTests
{
    private static async Task<List<string>> WarningsAsync(params string[] flags)
    {
        var logs = new LogCapture();
        await using var app = ServerApp.Build(["--model", RepoPaths.FixtureModel, "--port", "0", .. flags],
            services => services.AddSingleton<ILoggerProvider>(logs));
        return [.. logs.Warnings];
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.20")]
    [InlineData("llava.internal.example")]
    public async Task ListeningBeyondLoopbackWithoutAKeyWarns(string host)
    {
        var warning = Assert.Single(await WarningsAsync("--host", host), w => w.Contains("without an API key"));
        Assert.Contains(host, warning);
    }

    [Theory]
    [InlineData("--host", "127.0.0.1")]
    [InlineData("--host", "::1")]
    [InlineData("--host", "localhost")]
    [InlineData("--api-key", "sk-some-key")]
    public async Task LoopbackOrAKeyDoesNotWarn(string flag, string value) =>
        Assert.DoesNotContain(await WarningsAsync(flag, value), w => w.Contains("without an API key"));

    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Warnings { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings.Enqueue(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }
}
