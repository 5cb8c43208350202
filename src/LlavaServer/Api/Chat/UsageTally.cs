using Llava.Engine.Generation;
using LlavaServer.Api.Contracts;

namespace LlavaServer.Api.Chat;

/// <summary>
/// One request's <c>usage</c> from its choices' finish events: the prompt counted once, the completions summed, and
/// as cached the positions every choice found cached (the n choices share one prompt).
/// </summary>
internal sealed class UsageTally
{
    private int _promptTokens;
    private int _completionTokens;
    private int? _cachedTokens;

    public void Add(GenerationUsage usage)
    {
        _promptTokens = usage.PromptTokens;
        _completionTokens += usage.CompletionTokens;
        _cachedTokens = Math.Min(_cachedTokens ?? int.MaxValue, usage.CachedPromptTokens);
    }

    public Usage Build() => new(_promptTokens, _completionTokens, _promptTokens + _completionTokens,
        new PromptTokensDetails(_cachedTokens ?? 0));
}
