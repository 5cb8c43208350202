using Llava.Engine.Generation;
using LlavaServer.Api.Contracts;

namespace LlavaServer.Api.Chat;

/// <summary>What every response of one chat request shares: its id, model, and how to report logprobs.</summary>
/// <param name="Logprobs">Null when the request did not ask for logprobs.</param>
internal sealed record ChatOutput(string Id, long Created, string Model, LogprobFormatter? Logprobs)
{
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The token's <c>logprobs.content</c> entry; none for a token that ended the sequence, which the engine sends
    /// without logprobs (as with OpenAI, it appears neither in the text nor in the logprobs).
    /// </summary>
    public ContentLogprob? LogprobOf(GenerationEvent item) =>
        Logprobs is not null && item.Logprobs is { } step ? Logprobs.Format(step) : null;
}
