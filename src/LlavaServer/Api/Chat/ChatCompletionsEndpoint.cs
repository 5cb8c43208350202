using System.Diagnostics;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Images;
using LlavaServer.Hosting;
using LlavaServer.Telemetry;

namespace LlavaServer.Api.Chat;

/// <summary><c>POST /v1/chat/completions</c>: OpenAI's Chat Completions with images, streaming or not.</summary>
internal static class ChatCompletionsEndpoint
{
    public static void MapChatCompletions(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/v1/chat/completions", HandleAsync)
            .WithName("CreateChatCompletion")
            .WithTags("Chat")
            .WithSummary("Creates a model response for the given chat conversation (images as image_url parts).")
            .Accepts<ChatCompletionRequest>("application/json")
            .Produces<ChatCompletionResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesApiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> HandleAsync(HttpContext context, EngineHost host, ServerOptions options,
        ImageUrlResolver images, ServerMetrics metrics, InFlightRequests inFlight, ILoggerFactory loggers)
    {
        var requestStart = Stopwatch.GetTimestamp();
        var requestStartTime = DateTimeOffset.UtcNow;
        var engine = host.Engine ?? throw ApiException.NotReady("The model is not loaded yet.");
        var request = await RequestBodyReader.ReadAsync(context, ApiJson.Context.ChatCompletionRequest);
        ModelsEndpoints.CheckModel(request.Model, engine);
        var plan = ChatRequestMapper.Plan(request, options, engine.Tokenizer.VocabularySize, engine.Prompts.Template.RendersTools);

        var span = ServerTracing.Source.StartActivity("chat.completion");
        span?.SetTag("gen_ai.request.model", engine.Model.Name);
        CompletionRun run;
        CompletionTelemetry telemetry;
        ChatOutput output;
        try
        {
            var cacheSalt = CacheScope.For(context, request.CacheSalt);
            PreparedPrompt prompt;
            using (var preprocessing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, inFlight.DrainDeadline))
                prompt = await PreprocessAsync(request, plan, engine, images, options, metrics, preprocessing.Token) with { CacheSalt = cacheSalt };
            var room = engine.Model.MaxModelLength - prompt.TokenIds.Count;
            var maxTokens = plan.MaxTokens ?? Math.Max(1, Math.Min(room, options.DefaultMaxTokens));
            var choices = ChatRequestMapper.PerChoice(plan.Sampling, maxTokens, plan.Choices);

            telemetry = new CompletionTelemetry(metrics, loggers.CreateLogger("LlavaServer.ChatCompletions"), span,
                requestStart, requestStartTime, plan.Choices);
            run = await CompletionRun.StartAsync(engine, prompt, choices, context.RequestAborted, inFlight.DrainDeadline);
            telemetry.Submitted(prompt.TokenIds.Count);
            output = new ChatOutput(ChatOutput.NewId(), requestStartTime.ToUnixTimeSeconds(), engine.Model.Name,
                plan.Sampling.TopLogprobs is null ? null : new LogprobFormatter(engine.Tokenizer), plan.NewToolCallReader);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            span?.Stop();
            throw;
        }

        if (plan.Stream)
        {
            // Reverse proxies (nginx) buffer responses unless told not to; a token stream must not wait.
            context.Response.Headers["X-Accel-Buffering"] = "no";
            var writer = new ChatStreamWriter(output, plan.Choices, plan.IncludeUsage);
            return TypedResults.ServerSentEvents(writer.WriteAsync(run, telemetry, context.RequestAborted));
        }

        var collector = new ChatResponseCollector(output, plan.Choices);
        var aborted = true;
        try
        {
            await foreach (var item in run.ReadAllAsync(context.RequestAborted))
            {
                telemetry.Observe(item);
                collector.Add(item);
            }
            aborted = false;
        }
        finally
        {
            telemetry.Complete(aborted);
            await run.DisposeAsync();
        }
        return TypedResults.Json(collector.Build(), ApiJson.Context.ChatCompletionResponse);
    }

    private static async Task<PreparedPrompt> PreprocessAsync(ChatCompletionRequest request, ChatPlan plan, LlavaEngine engine,
        ImageUrlResolver images, ServerOptions options, ServerMetrics metrics, CancellationToken cancellationToken)
    {
        using var span = ServerTracing.Source.StartActivity("preprocess");
        var messages = await MessageMapper.MapAsync(request.Messages, images, options.MaxImagesPerRequest, cancellationToken);
        var imageCount = MessageMapper.CountImages(messages);
        span?.SetTag("llava.images", imageCount);
        // Decoding images is the costly part of a request that a full queue would refuse anyway.
        if (!engine.HasQueueRoom(plan.Choices))
            throw new EngineBusyException("The server is at capacity; retry shortly.");
        var prompt = await engine.Prompts.BuildAsync(messages, plan.Render, cancellationToken);
        metrics.ImagesProcessed(imageCount);
        span?.SetTag("llava.prompt_tokens", prompt.TokenIds.Count);
        return prompt;
    }
}
