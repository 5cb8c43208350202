using System.Text.Json.Serialization;

namespace LlavaServer.Api.Contracts;

/// <summary>Source-generated (reflection-free) JSON for every request and response of the API, in snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(List<ContentPartDto>))]
[JsonSerializable(typeof(NamedToolChoice))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ChatCompletionChunkWithUsage))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(TokenizeResponse))]
[JsonSerializable(typeof(DetokenizeRequest))]
[JsonSerializable(typeof(DetokenizeResponse))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(StatusResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
