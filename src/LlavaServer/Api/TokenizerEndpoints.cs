using LlavaServer.Api.Chat;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Images;
using LlavaServer.Hosting;

namespace LlavaServer.Api;

/// <summary>vLLM's <c>POST /tokenize</c> and <c>POST /detokenize</c>.</summary>
internal static class TokenizerEndpoints
{
    public static void MapTokenizer(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/tokenize", TokenizeAsync)
            .WithName("Tokenize").WithTags("Tokenizer")
            .WithSummary("Token ids of a raw prompt, or of chat messages rendered with the chat template (image positions expanded).")
            .Accepts<TokenizeRequest>("application/json")
            .Produces<TokenizeResponse>()
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound,
                StatusCodes.Status503ServiceUnavailable);

        routes.MapPost("/detokenize", DetokenizeAsync)
            .WithName("Detokenize").WithTags("Tokenizer")
            .WithSummary("The text of a list of token ids (special tokens kept).")
            .Accepts<DetokenizeRequest>("application/json")
            .Produces<DetokenizeResponse>()
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound,
                StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> TokenizeAsync(HttpContext context, EngineHost host, ServerOptions options, ImageUrlResolver images)
    {
        var engine = ModelsEndpoints.RequireEngine(host);
        var request = await RequestBodyReader.ReadAsync(context, ApiJson.Context.TokenizeRequest);
        ModelsEndpoints.CheckModel(request.Model, engine);

        List<int> tokens;
        if (request.Prompt is not null && request.Messages is not null)
            throw ApiException.BadRequest("Give either 'prompt' or 'messages', not both.", "messages");
        if (request.Prompt is { } prompt)
        {
            tokens = engine.Prompts.Encode(prompt, request.AddSpecialTokens ?? true, "prompt").ToList();
        }
        else if (request.Messages is not null)
        {
            var messages = await MessageMapper.MapAsync(request.Messages, images, options.MaxImagesPerRequest, context.RequestAborted);
            var render = ChatRequestMapper.RenderOptions(request.ContinueFinalMessage, request.AddGenerationPrompt, request.Messages, null);
            var built = await engine.Prompts.BuildAsync(messages, render, context.RequestAborted);
            tokens = built.TokenIds.ToList();
        }
        else
        {
            throw ApiException.BadRequest("Give 'prompt' (text) or 'messages' (a chat).", "prompt");
        }

        var strings = request.ReturnTokenStrs == true ? tokens.Select(engine.Tokenizer.TokenText).ToList() : null;
        return TypedResults.Json(new TokenizeResponse(tokens.Count, engine.Model.MaxModelLength, tokens, strings),
            ApiJson.Context.TokenizeResponse);
    }

    private static async Task<IResult> DetokenizeAsync(HttpContext context, EngineHost host)
    {
        var engine = ModelsEndpoints.RequireEngine(host);
        var request = await RequestBodyReader.ReadAsync(context, ApiJson.Context.DetokenizeRequest);
        ModelsEndpoints.CheckModel(request.Model, engine);
        var tokens = request.Tokens ?? throw ApiException.BadRequest("'tokens' must be an array of token ids.", "tokens");
        // Longer lists are no sequence of this model's, and decoding them would cost without bound.
        if (tokens.Count > engine.Model.MaxModelLength)
        {
            throw ApiException.BadRequest(
                $"'tokens' has {tokens.Count} ids; this model's sequences have at most {engine.Model.MaxModelLength}.",
                "tokens", "context_length_exceeded");
        }
        if (tokens.FindIndex(id => id < 0 || id >= engine.Tokenizer.VocabularySize) is var bad and >= 0)
            throw ApiException.BadRequest($"Token id {tokens[bad]} is outside the vocabulary.", $"tokens[{bad}]");
        var text = engine.Tokenizer.Decode(tokens, skipSpecialTokens: false);
        return TypedResults.Json(new DetokenizeResponse(text), ApiJson.Context.DetokenizeResponse);
    }
}
