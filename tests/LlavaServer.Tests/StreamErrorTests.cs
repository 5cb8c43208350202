using System.Runtime.CompilerServices;
using System.Text.Json;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Tokenization;
using LlavaServer.Api.Chat;
using LlavaServer.Hosting;
using LlavaServer.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlavaServer.Tests;

/// <summary>
/// A sequence that fails after streaming has begun (the engine cannot be made to fail on demand, so a
/// stand-in engine does): the stream ends with an error event and [DONE] instead of hanging.
/// </summary>
public class StreamErrorTests
{
    private sealed class FailingEngine : IGenerationEngine
    {
        public ModelInfo Model { get; } = new("failing", "/nowhere", 100, 36, "float32");
        public LlavaTokenizer Tokenizer => throw new NotSupportedException();
        public PromptBuilder Prompts => throw new NotSupportedException();

        public IAsyncEnumerable<GenerationEvent> GenerateAsync(PreparedPrompt prompt, SamplingParams parameters,
            CancellationToken cancellationToken = default) => FailAfterOneToken(cancellationToken);

        private static async IAsyncEnumerable<GenerationEvent> FailAfterOneToken([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new GenerationEvent { TokenId = 42, Text = "Hi" };
            await Task.Yield();
            throw new InvalidOperationException("the forward pass failed");
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task AFailureMidStreamEndsItWithAnErrorEventThenDone()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new ServerOptions();
        var host = new EngineHost(options, (_, _) => throw new NotSupportedException(), NullLogger<EngineHost>.Instance,
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance));
        var metrics = new ServerMetrics(services.GetRequiredService<IMeterFactory>(), host, options);
        var prompt = new PreparedPrompt("Hello", [1, 2, 3], []);

        var run = await CompletionRun.StartAsync(new FailingEngine(), prompt, [new SamplingParams { MaxTokens = 5 }], CancellationToken.None);
        var telemetry = new CompletionTelemetry(metrics, NullLogger.Instance, null, System.Diagnostics.Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow, 1);
        var writer = new ChatStreamWriter(new ChatOutput("chatcmpl-test", 0, "failing", null, new HashSet<int>()), 1, includeUsage: false);
        var events = new List<string>();
        await foreach (var data in writer.WriteAsync(run, telemetry, CancellationToken.None)) events.Add(data);

        Assert.Equal(4, events.Count);
        Assert.Contains("\"role\":\"assistant\"", events[0]);
        Assert.Contains("\"content\":\"Hi\"", events[1]);
        var error = JsonDocument.Parse(events[2]).RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain("forward pass", events[2]);
        Assert.Equal("[DONE]", events[3]);
    }
}
