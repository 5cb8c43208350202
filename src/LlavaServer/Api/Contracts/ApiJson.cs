using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlavaServer.Api.Contracts;

/// <summary>
/// The API's serializer settings: snake_case, and non-ASCII text written as UTF-8 rather than \u escapes
/// (as OpenAI does; generated text is mostly non-ASCII in many languages).
/// </summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ApiJsonContext Context { get; } = new(Options);
}
