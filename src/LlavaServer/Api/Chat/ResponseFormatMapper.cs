using Llava.Engine.Constraints;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;

namespace LlavaServer.Api.Chat;

/// <summary><c>response_format</c> as the OpenAI API and SDKs send it, as the grammar decoding must follow.</summary>
internal static class ResponseFormatMapper
{
    private const string Param = "response_format";

    /// <returns>Null for plain text.</returns>
    public static JsonGrammar? Grammar(ResponseFormat? format)
    {
        switch (format?.Type)
        {
            case null when format is null:
            case "text":
                return null;
            case "json_object":
                return JsonGrammar.AnyObject;
            case "json_schema":
                var definition = format.JsonSchema
                    ?? throw ApiException.BadRequest("response_format 'json_schema' needs 'json_schema'.", Param + ".json_schema");
                if (string.IsNullOrEmpty(definition.Name))
                    throw ApiException.BadRequest("'response_format.json_schema.name' is required.", Param + ".json_schema.name");
                if (definition.Schema is not { } schema)
                    throw ApiException.BadRequest("'response_format.json_schema.schema' is required.", Param + ".json_schema.schema");
                return SchemaGrammar.Compile(schema, Param);
            default:
                throw ApiException.BadRequest(
                    $"response_format type '{format.Type}' is not supported; use 'text', 'json_object' or 'json_schema'.", Param + ".type");
        }
    }
}
