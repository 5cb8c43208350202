using LlavaServer.Api.Contracts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LlavaServer.Hosting;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> (shown by Swagger UI at <c>/swagger</c>): title, bearer
/// auth, the union-typed fields the JSON converters handle (message content, stop, tool_choice), and descriptions of
/// the structured-output and tool fields.
/// </summary>
internal static class OpenApiSetup
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "LlavaServer",
                Version = "v1",
                Description = "OpenAI-compatible chat completions with images for LLaVA models, plus vLLM's tokenizer endpoints.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Needed when the server was started with --api-key.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        });

        // Endpoint metadata allows one response type per status; the stream is the other 200.
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (operation.OperationId != "CreateChatCompletion" || operation.Responses?["200"] is not OpenApiResponse ok) return;
            ok.Description = "A chat.completion, or with stream=true a text/event-stream of chat.completion.chunk events ending in [DONE].";
            ok.Content ??= new Dictionary<string, OpenApiMediaType>();
            ok.Content["text/event-stream"] = new OpenApiMediaType
            {
                Schema = await context.GetOrCreateSchemaAsync(typeof(ChatCompletionChunkWithUsage), cancellationToken: cancellationToken),
            };
        });

        options.AddSchemaTransformer(async (schema, context, cancellationToken) =>
        {
            var type = context.JsonTypeInfo.Type;
            OpenApiFieldDescriptions.Apply(type, schema);
            if (type == typeof(MessageContent))
            {
                var part = await context.GetOrCreateSchemaAsync(typeof(ContentPartDto), cancellationToken: cancellationToken);
                schema.Type = null;
                schema.Description = "A string, or an array of text and image_url parts.";
                schema.OneOf = [new OpenApiSchema { Type = JsonSchemaType.String }, new OpenApiSchema { Type = JsonSchemaType.Array, Items = part }];
            }
            else if (type == typeof(StopSequences))
            {
                schema.Type = null;
                schema.Description = "Up to 16 sequences where generation stops; the text returned stops before them.";
                schema.OneOf =
                [
                    new OpenApiSchema { Type = JsonSchemaType.String },
                    new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                ];
            }
            else if (type == typeof(ToolChoice))
            {
                var named = await context.GetOrCreateSchemaAsync(typeof(NamedToolChoice), cancellationToken: cancellationToken);
                schema.Type = null;
                schema.Properties = null;
                schema.Description = "none, auto (refused unless the chat template renders tools), required, or a named function.";
                schema.OneOf =
                [
                    new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. new[] { "none", "auto", "required" }.Select(v => (System.Text.Json.Nodes.JsonNode)v)] },
                    named,
                ];
            }
        });
    }
}
