using System.Text.Json.Serialization;

namespace LlavaServer.Api.Status;

/// <summary>Source-generated snake_case JSON for <see cref="ServerStatus"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ServerStatus))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
