using LlavaServer.Api.Contracts;

namespace LlavaServer.Api;

internal static class EndpointMetadata
{
    /// <summary>Documents the error envelope for each status in the OpenAPI description.</summary>
    public static RouteHandlerBuilder ProducesApiErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses) builder.Produces<ErrorResponse>(status, "application/json");
        return builder;
    }
}
