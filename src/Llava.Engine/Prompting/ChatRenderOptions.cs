using System.Text.Json;

namespace Llava.Engine.Prompting;

/// <summary>How a conversation is rendered, as the options of transformers' <c>apply_chat_template</c>.</summary>
/// <param name="AddGenerationPrompt">End with the template's assistant prompt.</param>
/// <param name="ContinueFinalMessage">Cut the prompt right after the final message's text, so generation continues
/// that message (assistant prefill) instead of starting a new turn.</param>
/// <param name="Tools">The templates' <c>tools</c>: function definitions as OpenAI's tool objects; null for none.</param>
public sealed record ChatRenderOptions(
    bool AddGenerationPrompt = true,
    bool ContinueFinalMessage = false,
    IReadOnlyList<JsonElement>? Tools = null)
{
    public static ChatRenderOptions Default { get; } = new();
}
