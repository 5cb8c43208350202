using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlavaServer.Api.Contracts;

/// <summary>
/// The body of <c>POST /v1/chat/completions</c>, as OpenAI defines it plus vLLM's common extensions
/// (<c>top_k</c>, <c>min_p</c>, <c>repetition_penalty</c>, <c>ignore_eos</c>, <c>stop_token_ids</c>,
/// <c>cache_salt</c>, <c>continue_final_message</c>, <c>add_generation_prompt</c>).
/// Fields nobody lists here are ignored; the ones typed <see cref="JsonElement"/> are only read to refuse
/// features this server does not have.
/// </summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }
    public List<ChatMessageDto>? Messages { get; set; }

    /// <summary>Deprecated by OpenAI in favour of <see cref="MaxCompletionTokens"/>, which wins when both are set.</summary>
    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? N { get; set; }
    public StopSequences? Stop { get; set; }
    public long? Seed { get; set; }
    public double? PresencePenalty { get; set; }
    public double? FrequencyPenalty { get; set; }
    public bool? Logprobs { get; set; }
    public int? TopLogprobs { get; set; }
    public bool? Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public string? User { get; set; }

    public int? TopK { get; set; }
    public double? MinP { get; set; }
    public double? RepetitionPenalty { get; set; }
    public bool? IgnoreEos { get; set; }
    public List<int>? StopTokenIds { get; set; }

    /// <summary>
    /// vLLM's prefix-cache salt: only requests with the same salt (and the same API key) share cached prefixes and
    /// image features. Should be long and random to keep others from guessing it.
    /// </summary>
    public string? CacheSalt { get; set; }

    /// <summary>Functions the model may call; how it must is <see cref="ToolChoice"/>.</summary>
    public List<ToolDefinition>? Tools { get; set; }

    /// <summary>
    /// <c>none</c>, <c>required</c>, or a named function: the output is constrained to calls. <c>auto</c> (OpenAI's
    /// default when tools are given) needs a model-specific parser of the calls a model writes, so it is refused unless
    /// the chat template renders tools.
    /// </summary>
    public ToolChoice? ToolChoice { get; set; }

    /// <summary>With <c>tool_choice: required</c>: allow more than one call (default true).</summary>
    public bool? ParallelToolCalls { get; set; }

    /// <summary>Token id (as a string) to a bias in [-100, 100] added to its logit; logprobs stay the unbiased model's.</summary>
    public Dictionary<string, double>? LogitBias { get; set; }

    /// <summary>text, json_object, or json_schema: decoding is constrained so the output parses (and validates).</summary>
    public ResponseFormat? ResponseFormat { get; set; }

    /// <summary>
    /// vLLM's assistant prefill: continue the final (assistant) message instead of starting a new turn; needs
    /// <see cref="AddGenerationPrompt"/> false. The response holds only the continuation.
    /// </summary>
    public bool? ContinueFinalMessage { get; set; }

    /// <summary>vLLM's: end the prompt with the template's assistant prompt (default true).</summary>
    public bool? AddGenerationPrompt { get; set; }

    public JsonElement? Functions { get; set; }
    public JsonElement? FunctionCall { get; set; }
    public JsonElement? Audio { get; set; }
    public List<string>? Modalities { get; set; }
}

public sealed class ChatMessageDto
{
    /// <summary>system, developer (treated as system), user, assistant or tool.</summary>
    public string? Role { get; set; }

    /// <summary>May be null on an assistant message with <see cref="ToolCalls"/>.</summary>
    public MessageContent? Content { get; set; }
    public string? Name { get; set; }

    /// <summary>On an assistant message: the calls it made.</summary>
    public List<ToolCall>? ToolCalls { get; set; }

    /// <summary>On a tool message: the id of the call it answers.</summary>
    public string? ToolCallId { get; set; }
}

/// <summary>A message's content: either a plain string or a list of parts.</summary>
[JsonConverter(typeof(MessageContentConverter))]
public sealed class MessageContent
{
    public string? Text { get; init; }
    public List<ContentPartDto>? Parts { get; init; }
}

public sealed class ContentPartDto
{
    /// <summary>text or image_url.</summary>
    public string? Type { get; set; }

    public string? Text { get; set; }
    public ImageUrlDto? ImageUrl { get; set; }
}

public sealed class ImageUrlDto
{
    /// <summary>A <c>data:image/…;base64,…</c> URL, or http(s) where the server allows it.</summary>
    public string? Url { get; set; }

    /// <summary>Accepted and ignored: LLaVA-1.5 always sees one fixed-size view of the image.</summary>
    public string? Detail { get; set; }
}

/// <summary><c>stop</c>: one string or an array of strings.</summary>
[JsonConverter(typeof(StopSequencesConverter))]
public sealed class StopSequences
{
    public required List<string> Values { get; init; }
}

public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}

public sealed class ResponseFormat
{
    /// <summary>text, json_object or json_schema.</summary>
    public string? Type { get; set; }

    /// <summary>With <c>json_schema</c>: the schema the output must validate against.</summary>
    public JsonSchemaFormat? JsonSchema { get; set; }
}

public sealed class JsonSchemaFormat
{
    public string? Name { get; set; }
    public string? Description { get; set; }

    /// <summary>A JSON Schema; a keyword constrained decoding cannot honour is refused with a 400 naming it.</summary>
    public JsonElement? Schema { get; set; }

    /// <summary>Accepted; the schema is always enforced exactly, as OpenAI's strict mode does.</summary>
    public bool? Strict { get; set; }
}
