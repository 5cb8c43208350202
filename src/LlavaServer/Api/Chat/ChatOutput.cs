using Llava.Engine.Generation;
using LlavaServer.Api.Contracts;

namespace LlavaServer.Api.Chat;

/// <summary>What every response of one chat request shares: its id, model, and how to report logprobs.</summary>
/// <param name="Logprobs">Null when the request did not ask for logprobs.</param>
/// <param name="StopTokenIds">
/// Tokens that end a sequence (EOS unless ignore_eos, plus stop_token_ids). They arrive as token events but,
/// as with OpenAI, appear neither in the text nor in <c>logprobs.content</c>.
/// </param>
internal sealed record ChatOutput(string Id, long Created, string Model, LogprobFormatter? Logprobs, IReadOnlySet<int> StopTokenIds)
{
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    public ContentLogprob? LogprobOf(GenerationEvent item) =>
        Logprobs is not null && item is { Logprobs: { } step, TokenId: { } id } && !StopTokenIds.Contains(id)
            ? Logprobs.Format(step)
            : null;
}
