using System.Text.Json;
using Llava.Engine.Constraints;
using LlavaServer.Api.Errors;

namespace LlavaServer.Api.Chat;

/// <summary>Compiles a request's JSON Schema, turning a refusal into a 400 on the field that carried the schema.</summary>
internal static class SchemaGrammar
{
    public static JsonGrammar Compile(JsonElement schema, string param)
    {
        try
        {
            return JsonGrammar.FromSchema(schema);
        }
        catch (UnsupportedSchemaException e)
        {
            throw ApiException.BadRequest(e.Message, param, "unsupported_schema");
        }
        catch (InvalidOperationException e)
        {
            // A keyword whose value has the wrong JSON type (a string where a number belongs) fails as it is read.
            throw ApiException.BadRequest($"Invalid JSON Schema: {e.Message}", param, "invalid_schema");
        }
    }
}
