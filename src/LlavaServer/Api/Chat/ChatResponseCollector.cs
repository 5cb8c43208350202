using System.Text;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;

namespace LlavaServer.Api.Chat;

/// <summary>Gathers a run's events into one non-streaming <c>chat.completion</c>.</summary>
internal sealed class ChatResponseCollector(ChatOutput output, int choices)
{
    private readonly StringBuilder[] _text = Enumerable.Range(0, choices).Select(_ => new StringBuilder()).ToArray();
    private readonly List<ContentLogprob>[] _logprobs = Enumerable.Range(0, choices).Select(_ => new List<ContentLogprob>()).ToArray();
    private readonly string?[] _finish = new string?[choices];
    private readonly UsageTally _usage = new();

    public void Add(ChoiceEvent item)
    {
        if (item.Error is { } error)
            throw (Exception?)EngineErrors.Map(error) ?? new InvalidOperationException($"generation of choice {item.Index} failed", error);
        var generated = item.Event!;
        _text[item.Index].Append(generated.Text);
        if (output.LogprobOf(generated) is { } logprob) _logprobs[item.Index].Add(logprob);
        if (generated.Finish is { } finish) _finish[item.Index] = FinishReasons.Name(finish);
        if (generated.Usage is { } usage) _usage.Add(usage);
    }

    public ChatCompletionResponse Build()
    {
        var choices = _text.Select((text, i) => new ChatChoice(
            i,
            new AssistantMessage("assistant", text.ToString(), null),
            output.Logprobs is null ? null : new ChoiceLogprobs(_logprobs[i], null),
            _finish[i] ?? throw new ApiException(StatusCodes.Status500InternalServerError,
                "Generation ended without a finish reason.", ErrorTypes.Server))).ToList();
        return new ChatCompletionResponse(output.Id, "chat.completion", output.Created, output.Model, choices, _usage.Build(), null);
    }
}
