using System.Text.Json;
using Llava.Engine.Constraints;

namespace LlavaServer.Api.Tools;

/// <summary>What a request's <c>tools</c> and <c>tool_choice</c> make of it.</summary>
/// <param name="Grammar">The constraint on the output; null when the output is free text.</param>
/// <param name="NewReader">Reads the constrained output as calls, one reader per choice; null when the output is text.</param>
/// <param name="TemplateTools">The tools as the chat template's <c>tools</c> variable; null for none.</param>
internal sealed record ToolPlan(JsonGrammar? Grammar, Func<IToolCallReader>? NewReader, IReadOnlyList<JsonElement>? TemplateTools)
{
    public static ToolPlan None { get; } = new(null, null, null);
}
