using System.Runtime.CompilerServices;
using System.Text.Json;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using Llava.Engine.Tokenization;
using LlavaServer.Api.Chat;
using LlavaServer.Api.Errors;
using LlavaServer.Hosting;
using LlavaServer.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlavaServer.Tests;

/// <summary>
/// What a client is told when the engine refuses or fails a request, through a stand-in engine: a sequence that fails
/// after streaming has begun ends its stream with an error event and [DONE] instead of hanging; refusals get the
/// status and code of their kind.
/// </summary>
public class StreamErrorTests
{
    /// <param name="refusal">Thrown when a sequence is submitted; without one, each sequence fails after a token.</param>
    private sealed class FailingEngine(Exception? refusal = null) : IGenerationEngine
    {
        public ModelInfo Model { get; } = new("failing", "/nowhere", 100, 36, "float32");
        public LlavaTokenizer Tokenizer => throw new NotSupportedException();
        public PromptBuilder Prompts => throw new NotSupportedException();

        public IAsyncEnumerable<GenerationEvent> GenerateAsync(PreparedPrompt prompt, SamplingParams parameters,
            CancellationToken cancellationToken = default) =>
            refusal is null ? FailAfterOneToken(cancellationToken) : throw refusal;

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

        var run = await CompletionRun.StartAsync(new FailingEngine(), prompt, [new SamplingParams { MaxTokens = 5 }], CancellationToken.None,
            CancellationToken.None);
        var telemetry = new CompletionTelemetry(metrics, NullLogger.Instance, null, System.Diagnostics.Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow, 1);
        var writer = new ChatStreamWriter(new ChatOutput("chatcmpl-test", 0, "failing", null), 1, includeUsage: false);
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

    /// <summary>
    /// Only a prompt too long for the context is <c>context_length_exceeded</c>; any other prompt the engine refuses
    /// is a plain 400 (the submission path used to call every refused prompt too long).
    /// </summary>
    [Fact]
    public async Task OnlyAPromptTooLongIsReportedAsContextLengthExceeded()
    {
        var prompt = new PreparedPrompt("Hello", [1, 2, 3], []);
        var invalid = new PromptException("an image must be preprocessed to 3x84x84 pixel values for this model", "messages");
        var tooLong = new PromptException("This model's maximum context length is 100 tokens.", "messages", PromptProblem.TooLong);

        var refusedInvalid = await Assert.ThrowsAnyAsync<Exception>(() => CompletionRun.StartAsync(new FailingEngine(invalid), prompt,
            [new SamplingParams()], CancellationToken.None, CancellationToken.None));
        var refusedTooLong = await Assert.ThrowsAnyAsync<Exception>(() => CompletionRun.StartAsync(new FailingEngine(tooLong), prompt,
            [new SamplingParams()], CancellationToken.None, CancellationToken.None));

        var invalidError = EngineErrors.Map(refusedInvalid)!;
        var tooLongError = EngineErrors.Map(refusedTooLong)!;
        Assert.Equal((400, "messages", null), (invalidError.Status, invalidError.Param, invalidError.Code));
        Assert.Equal((400, "messages", "context_length_exceeded"), (tooLongError.Status, tooLongError.Param, tooLongError.Code));
    }

    [Fact]
    public void AFullQueueIs429AndAQueueDeadline503WithRetryAfter()
    {
        var busy = EngineErrors.Map(new EngineBusyException("full"))!;
        var timeout = EngineErrors.Map(new EngineTimeoutException("waited"))!;
        Assert.Equal((429, "rate_limit_exceeded", 1), (busy.Status, busy.Code, busy.RetryAfterSeconds));
        Assert.Equal((503, "queue_timeout", 1), (timeout.Status, timeout.Code, timeout.RetryAfterSeconds));
        Assert.Null(EngineErrors.Map(new InvalidOperationException("a bug")));
    }
}
