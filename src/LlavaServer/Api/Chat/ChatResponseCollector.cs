using System.Text;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Tools;

namespace LlavaServer.Api.Chat;

/// <summary>
/// Gathers a run's events into one non-streaming <c>chat.completion</c>. Tool calls are read with the same readers as a
/// stream, so a streamed response reassembles to exactly this one.
/// </summary>
internal sealed class ChatResponseCollector(ChatOutput output, int choices)
{
    private readonly StringBuilder[] _text = Enumerable.Range(0, choices).Select(_ => new StringBuilder()).ToArray();
    private readonly IToolCallReader?[] _readers = Enumerable.Range(0, choices).Select(_ => output.NewToolCallReader?.Invoke()).ToArray();
    private readonly List<ToolCallAssembly>[] _calls = Enumerable.Range(0, choices).Select(_ => new List<ToolCallAssembly>()).ToArray();
    private readonly List<ContentLogprob>[] _logprobs = Enumerable.Range(0, choices).Select(_ => new List<ContentLogprob>()).ToArray();
    private readonly string?[] _finish = new string?[choices];
    private readonly UsageTally _usage = new();

    private sealed record ToolCallAssembly(string Id, string Name, StringBuilder Arguments);

    public void Add(ChoiceEvent item)
    {
        if (item.Error is { } error)
            throw (Exception?)EngineErrors.Map(error) ?? new InvalidOperationException($"generation of choice {item.Index} failed", error);
        var generated = item.Event!;
        if (_readers[item.Index] is { } reader)
        {
            foreach (var step in reader.Read(generated.Text))
            {
                if (step.Id is { } id) _calls[item.Index].Add(new ToolCallAssembly(id, step.Name!, new StringBuilder()));
                else _calls[item.Index][step.Index].Arguments.Append(step.Arguments);
            }
        }
        else
        {
            _text[item.Index].Append(generated.Text);
        }
        if (output.LogprobOf(generated) is { } logprob) _logprobs[item.Index].Add(logprob);
        if (generated.Finish is { } finish) _finish[item.Index] = ChatOutput.FinishReason(finish, _readers[item.Index]);
        if (generated.Usage is { } usage) _usage.Add(usage);
    }

    public ChatCompletionResponse Build()
    {
        var choices = _text.Select((text, i) => new ChatChoice(
            i,
            Message(i),
            output.Logprobs is null ? null : new ChoiceLogprobs(_logprobs[i], null),
            _finish[i] ?? throw new ApiException(StatusCodes.Status500InternalServerError,
                "Generation ended without a finish reason.", ErrorTypes.Server))).ToList();
        return new ChatCompletionResponse(output.Id, "chat.completion", output.Created, output.Model, choices, _usage.Build(), null);
    }

    private AssistantMessage Message(int choice) => _readers[choice] is null
        ? new AssistantMessage("assistant", _text[choice].ToString(), null)
        : new AssistantMessage("assistant", null, null, _calls[choice].Select(call => new ToolCall
        {
            Id = call.Id,
            Type = "function",
            Function = new FunctionCall { Name = call.Name, Arguments = call.Arguments.ToString() },
        }).ToList());
}
