using Llava.Engine.Generation;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Tools;

namespace LlavaServer.Api.Chat;

/// <summary>What every response of one chat request shares: its id, model, and how to report logprobs and tool calls.</summary>
/// <param name="Logprobs">Null when the request did not ask for logprobs.</param>
/// <param name="NewToolCallReader">Set when the output is constrained to tool calls: each choice reads its text with one.</param>
internal sealed record ChatOutput(string Id, long Created, string Model, LogprobFormatter? Logprobs,
    Func<IToolCallReader>? NewToolCallReader = null)
{
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The token's <c>logprobs.content</c> entry; none for a token that ended the sequence, which the engine sends
    /// without logprobs (as with OpenAI, it appears neither in the text nor in the logprobs).
    /// </summary>
    public ContentLogprob? LogprobOf(GenerationEvent item) =>
        Logprobs is not null && item.Logprobs is { } step ? Logprobs.Format(step) : null;

    /// <summary>
    /// <c>tool_calls</c> when the output is complete calls that ended on their own; otherwise the engine's reason
    /// (a length cut leaves the last call's arguments unfinished).
    /// </summary>
    public static string FinishReason(FinishReason finish, IToolCallReader? calls) =>
        calls is { Complete: true } && finish == Llava.Engine.Generation.FinishReason.Stop ? "tool_calls" : FinishReasons.Name(finish);
}
