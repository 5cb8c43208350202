using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Hosting;

namespace LlavaServer.Api;

/// <summary>
/// <c>GET /health</c>: the process is up (liveness). <c>GET /ready</c>: the model is loaded and warm and the
/// server is not shutting down (readiness); 503 otherwise.
/// </summary>
internal static class ProbeEndpoints
{
    public static void MapProbes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", () => TypedResults.Json(new StatusResponse("ok"), ApiJson.Context.StatusResponse))
            .WithName("Health").WithTags("Operations")
            .Produces<StatusResponse>();

        routes.MapGet("/ready", (EngineHost host) => host.State switch
            {
                EngineState.Ready => TypedResults.Json(new StatusResponse("ready"), ApiJson.Context.StatusResponse),
                EngineState.Loading => throw ApiException.NotReady("The model is still loading."),
                EngineState.Draining => throw ApiException.NotReady("The server is shutting down."),
                _ => throw ApiException.NotReady("The model failed to load."),
            })
            .WithName("Ready").WithTags("Operations")
            .Produces<StatusResponse>().ProducesApiErrors(StatusCodes.Status503ServiceUnavailable);
    }
}
