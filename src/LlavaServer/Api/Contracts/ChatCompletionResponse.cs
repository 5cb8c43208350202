using System.Text.Json.Serialization;

namespace LlavaServer.Api.Contracts;

/// <summary>A non-streaming chat completion (<c>object: "chat.completion"</c>).</summary>
public sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatChoice> Choices,
    Usage Usage,
    string? SystemFingerprint);

/// <param name="FinishReason">stop, length, or tool_calls when the output is complete calls.</param>
public sealed record ChatChoice(int Index, AssistantMessage Message, ChoiceLogprobs? Logprobs, string FinishReason);

/// <param name="Content">The text; null when the model was made to call tools.</param>
/// <param name="ToolCalls">Present only when the request's <c>tool_choice</c> made the output calls.</param>
public sealed record AssistantMessage(
    string Role,
    string? Content,
    string? Refusal,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ToolCall>? ToolCalls = null);

/// <param name="PromptTokens">Includes one position per image feature.</param>
public sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails PromptTokensDetails);

/// <param name="CachedTokens">Prompt positions (image positions included) reused from the prefix cache, not computed.</param>
public sealed record PromptTokensDetails(int CachedTokens);

public sealed record ChoiceLogprobs(IReadOnlyList<ContentLogprob> Content, string? Refusal);

/// <param name="Token">The token's text; a byte token that is not valid UTF-8 by itself keeps its piece name.</param>
/// <param name="Logprob">Natural log of the token's probability under the model's unmodified distribution.</param>
/// <param name="Bytes">The token's UTF-8 bytes.</param>
public sealed record ContentLogprob(string Token, float Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<TopLogprob> TopLogprobs);

public sealed record TopLogprob(string Token, float Logprob, IReadOnlyList<int> Bytes);

/// <summary>One <c>data:</c> event of a stream (<c>object: "chat.completion.chunk"</c>).</summary>
public record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    string? SystemFingerprint,
    IReadOnlyList<ChunkChoice> Choices);

/// <summary>
/// A chunk of a stream that asked for <c>stream_options.include_usage</c>: every chunk then carries
/// <c>usage</c>, null except on the last one, whose <c>choices</c> is empty — as OpenAI streams it.
/// </summary>
public sealed record ChatCompletionChunkWithUsage(
    string Id,
    string Object,
    long Created,
    string Model,
    string? SystemFingerprint,
    IReadOnlyList<ChunkChoice> Choices,
    [property: JsonPropertyOrder(1)] Usage? Usage) : ChatCompletionChunk(Id, Object, Created, Model, SystemFingerprint, Choices);

public sealed record ChunkChoice(int Index, ChunkDelta Delta, ChoiceLogprobs? Logprobs, string? FinishReason);

/// <summary>The role comes in a choice's first chunk only; the finishing chunk has an empty delta.</summary>
public sealed record ChunkDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ToolCallChunk>? ToolCalls = null);
