using System.Text.Json.Serialization;

namespace LlavaServer.Api.Contracts;

/// <summary>
/// vLLM's <c>POST /tokenize</c>: either <c>prompt</c> (raw text) or <c>messages</c> (rendered with the chat
/// template, each image expanded to its feature positions — exactly the ids generation would see).
/// </summary>
public sealed class TokenizeRequest
{
    public string? Model { get; set; }
    public string? Prompt { get; set; }
    public List<ChatMessageDto>? Messages { get; set; }

    /// <summary>For <c>prompt</c>: add BOS (default true). Messages always tokenize as generation does.</summary>
    public bool? AddSpecialTokens { get; set; }

    /// <summary>For <c>messages</c>: end with the assistant prompt (default true).</summary>
    public bool? AddGenerationPrompt { get; set; }

    /// <summary>For <c>messages</c>: cut after the final assistant message, as generation with prefill sees it
    /// (needs <see cref="AddGenerationPrompt"/> false).</summary>
    public bool? ContinueFinalMessage { get; set; }

    public bool? ReturnTokenStrs { get; set; }
}

public sealed record TokenizeResponse(
    int Count,
    int MaxModelLen,
    IReadOnlyList<int> Tokens,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TokenStrs);

public sealed class DetokenizeRequest
{
    public string? Model { get; set; }
    public List<int>? Tokens { get; set; }
}

public sealed record DetokenizeResponse(string Prompt);

public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

/// <param name="Root">The model folder it was loaded from.</param>
/// <param name="MaxModelLen">Context length: prompt plus completion tokens.</param>
public sealed record ModelCard(string Id, string Object, long Created, string OwnedBy, string Root, string? Parent, int MaxModelLen);

public sealed record StatusResponse(string Status);
