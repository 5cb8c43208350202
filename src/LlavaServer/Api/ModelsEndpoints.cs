using Llava.Engine.Generation;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Hosting;

namespace LlavaServer.Api;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the one served model and its context length.</summary>
internal static class ModelsEndpoints
{
    public static void MapModels(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", (EngineHost host) =>
            {
                var engine = RequireEngine(host);
                return TypedResults.Json(new ModelList("list", [Card(engine, host)]), ApiJson.Context.ModelList);
            })
            .WithName("ListModels").WithTags("Models")
            .Produces<ModelList>().ProducesApiErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);

        routes.MapGet("/v1/models/{id}", (string id, EngineHost host) =>
            {
                var engine = RequireEngine(host);
                CheckModel(id, engine);
                return TypedResults.Json(Card(engine, host), ApiJson.Context.ModelCard);
            })
            .WithName("RetrieveModel").WithTags("Models")
            .Produces<ModelCard>()
            .ProducesApiErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
    }

    public static LlavaEngine RequireEngine(EngineHost host) =>
        host.Engine ?? throw ApiException.NotReady("The model is not loaded yet.");

    /// <summary>Requests may omit <c>model</c> (vLLM serves its one model then); naming another is a 404.</summary>
    public static void CheckModel(string? requested, LlavaEngine engine)
    {
        if (requested is null || requested == engine.Model.Name) return;
        throw new ApiException(StatusCodes.Status404NotFound,
            $"The model '{requested}' does not exist. This server serves '{engine.Model.Name}'.",
            ErrorTypes.NotFound, "model", "model_not_found");
    }

    private static ModelCard Card(LlavaEngine engine, EngineHost host) =>
        new(engine.Model.Name, "model", host.LoadedAt.ToUnixTimeSeconds(), "llava-server", engine.Model.Path, null,
            engine.Model.MaxModelLength);
}
