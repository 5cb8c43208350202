using System.Runtime.CompilerServices;
using System.Text.Json;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Tools;

namespace LlavaServer.Api.Chat;

/// <summary>
/// A run's events as OpenAI streams them, one JSON document per SSE <c>data:</c> event: each choice's
/// role first, then its text as it is generated (or, when the output is constrained to tool calls, each call's id and
/// name and then its arguments in pieces, as <c>delta.tool_calls</c>), then an empty delta with the finish reason; the usage
/// chunk (<c>choices: []</c>) when <c>stream_options.include_usage</c> asked for it; then <c>[DONE]</c>.
/// A failure mid-stream becomes an error event followed by <c>[DONE]</c>, never a hung connection.
/// </summary>
internal sealed class ChatStreamWriter(ChatOutput output, int choices, bool includeUsage)
{
    public const string Done = "[DONE]";

    public async IAsyncEnumerable<string> WriteAsync(CompletionRun run, CompletionTelemetry telemetry,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var aborted = true;
        try
        {
            var readers = Enumerable.Range(0, choices).Select(_ => output.NewToolCallReader?.Invoke()).ToArray();
            for (var i = 0; i < choices; i++)
                yield return Chunk(i, new ChunkDelta("assistant", readers[i] is null ? "" : null), null, null);

            var pending = Enumerable.Range(0, choices).Select(_ => new List<ContentLogprob>()).ToArray();
            var usage = new UsageTally();
            await foreach (var item in run.ReadAllAsync(cancellationToken))
            {
                telemetry.Observe(item);
                if (item.Error is not null)
                {
                    yield return ErrorResponses.Json(EngineErrors.ForStream(item.Error));
                    yield return Done;
                    aborted = false;
                    yield break;
                }

                var generated = item.Event!;
                if (output.LogprobOf(generated) is { } logprob) pending[item.Index].Add(logprob);
                if (readers[item.Index] is { } reader)
                {
                    foreach (var step in reader.Read(generated.Text))
                        yield return Chunk(item.Index, new ChunkDelta(null, null, [ToChunk(step)]), Take(pending[item.Index]), null);
                }
                else if (generated.Text.Length > 0)
                {
                    yield return Chunk(item.Index, new ChunkDelta(null, generated.Text), Take(pending[item.Index]), null);
                }
                if (generated.Finish is { } finish)
                {
                    yield return Chunk(item.Index, new ChunkDelta(null, null), Take(pending[item.Index]) is { Content.Count: > 0 } rest ? rest : null,
                        ChatOutput.FinishReason(finish, readers[item.Index]));
                    if (generated.Usage is { } finished) usage.Add(finished);
                }
            }

            if (includeUsage)
            {
                yield return JsonSerializer.Serialize(
                    new ChatCompletionChunkWithUsage(output.Id, "chat.completion.chunk", output.Created, output.Model, null, [],
                        usage.Build()),
                    ApiJson.Context.ChatCompletionChunkWithUsage);
            }
            yield return Done;
            aborted = false;
        }
        finally
        {
            telemetry.Complete(aborted);
            await run.DisposeAsync();
        }
    }

    private static ToolCallChunk ToChunk(ToolCallDelta step) =>
        new(step.Index, step.Id, step.Id is null ? null : "function", new FunctionCallChunk(step.Name, step.Arguments));

    /// <summary>The logprobs gathered since the last chunk of this choice (null when none were asked for).</summary>
    private ChoiceLogprobs? Take(List<ContentLogprob> pending)
    {
        if (output.Logprobs is null) return null;
        var taken = new ChoiceLogprobs(pending.ToList(), null);
        pending.Clear();
        return taken;
    }

    private string Chunk(int index, ChunkDelta delta, ChoiceLogprobs? logprobs, string? finishReason)
    {
        IReadOnlyList<ChunkChoice> chunkChoices = [new ChunkChoice(index, delta, logprobs, finishReason)];
        return includeUsage
            ? JsonSerializer.Serialize(
                new ChatCompletionChunkWithUsage(output.Id, "chat.completion.chunk", output.Created, output.Model, null, chunkChoices, null),
                ApiJson.Context.ChatCompletionChunkWithUsage)
            : JsonSerializer.Serialize(
                new ChatCompletionChunk(output.Id, "chat.completion.chunk", output.Created, output.Model, null, chunkChoices),
                ApiJson.Context.ChatCompletionChunk);
    }
}
