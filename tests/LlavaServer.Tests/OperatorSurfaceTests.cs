using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.TestSupport;
using LlavaServer.Telemetry;

namespace LlavaServer.Tests;

/// <summary>Models, probes, metrics, traces, request ids and the API description.</summary>
[Collection(nameof(ApiServer))]
public class OperatorSurfaceTests(ApiServer server)
{
    private static JsonObject Hello(int maxTokens = 3) =>
        TestData.Chat(new JsonArray(TestData.UserMessage("What is shown in this image?", "gradient_84x84.png")), maxTokens);

    [Fact]
    public async Task ModelsListTheServedModelWithItsContextLength()
    {
        var list = JsonDocument.Parse(await server.Http.GetStringAsync("/v1/models")).RootElement;
        Assert.Equal("list", list.GetProperty("object").GetString());
        var card = list.GetProperty("data").EnumerateArray().Single();
        Assert.Equal(TestData.Model, card.GetProperty("id").GetString());
        Assert.Equal("model", card.GetProperty("object").GetString());
        Assert.Equal(512, card.GetProperty("max_model_len").GetInt32());
        Assert.Equal(Path.GetFullPath(RepoPaths.FixtureModel).TrimEnd('/'), card.GetProperty("root").GetString()!.TrimEnd('/'));

        var one = JsonDocument.Parse(await server.Http.GetStringAsync("/v1/models/" + TestData.Model)).RootElement;
        Assert.Equal(card.GetRawText(), one.GetRawText());
    }

    [Fact]
    public async Task HealthAndReadyAnswerOk()
    {
        Assert.Equal("ok", JsonDocument.Parse(await server.Http.GetStringAsync("/health")).RootElement.GetProperty("status").GetString());
        Assert.Equal("ready", JsonDocument.Parse(await server.Http.GetStringAsync("/ready")).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task MetricsExposeServingHistogramsCountersAndGauges()
    {
        using (await server.Http.PostAsync("/v1/chat/completions", TestData.Json(Hello())))
        {
        }
        var metrics = await server.Http.GetStringAsync("/metrics");

        foreach (var name in new[]
        {
            "llava_time_to_first_token_seconds_bucket", "llava_inter_token_latency_seconds_bucket",
            "llava_e2e_request_latency_seconds_bucket", "llava_prompt_tokens_total", "llava_generation_tokens_total",
            "llava_images_processed_total", "llava_sequences_finished_total", "llava_queue_depth", "llava_running_sequences",
            "llava_kv_cache_usage",
        })
        {
            Assert.Contains("\n" + name, metrics);
        }
        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_response_status_code=\"200\"[^}]*http_route=\"/v1/chat/completions\"", metrics);
        Assert.Matches("llava_sequences_finished_total\\{[^}]*finish_reason=\"length\"", metrics);
    }

    [Fact]
    public async Task RequestIdIsEchoedOrAssigned()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Request-Id", "proxy-1234");
        using var echoed = await server.Http.SendAsync(request);
        Assert.Equal("proxy-1234", echoed.Headers.GetValues("X-Request-Id").Single());

        using var assigned = await server.Http.GetAsync("/health");
        Assert.False(string.IsNullOrEmpty(assigned.Headers.GetValues("X-Request-Id").Single()));
    }

    [Fact]
    public async Task EachChatRequestIsTracedWithItsPhases()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ServerTracing.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        using var caller = new Activity("test-caller").Start();
        using (await server.Http.PostAsync("/v1/chat/completions", TestData.Json(Hello(4))))
        {
        }
        caller.Stop();

        var mine = spans.Where(s => s.TraceId == caller.TraceId).ToList();
        var chat = mine.Single(s => s.OperationName == "chat.completion");
        Assert.Equal(TestData.Model, chat.GetTagItem("gen_ai.request.model"));
        Assert.Equal(4, chat.GetTagItem("gen_ai.usage.output_tokens"));
        foreach (var phase in new[] { "preprocess", "prefill", "decode" })
        {
            var span = mine.Single(s => s.OperationName == phase);
            Assert.Equal(chat.SpanId, span.ParentSpanId);
        }
        var prefill = mine.Single(s => s.OperationName == "prefill");
        var decode = mine.Single(s => s.OperationName == "decode");
        Assert.True(prefill.StartTimeUtc + prefill.Duration <= decode.StartTimeUtc + TimeSpan.FromTicks(1));
        Assert.Equal(1, mine.Single(s => s.OperationName == "preprocess").GetTagItem("llava.images"));
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheRealSchemas()
    {
        var document = JsonDocument.Parse(await server.Http.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/chat/completions", "/v1/models", "/v1/models/{id}", "/tokenize", "/detokenize", "/health", "/ready" })
            Assert.True(paths.TryGetProperty(path, out _), path);

        var chat = paths.GetProperty("/v1/chat/completions").GetProperty("post");
        Assert.Equal("#/components/schemas/ChatCompletionRequest",
            chat.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var ok = chat.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(ok.TryGetProperty("application/json", out _));
        Assert.True(ok.TryGetProperty("text/event-stream", out _));
        Assert.True(chat.GetProperty("responses").TryGetProperty("429", out _));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var request = schemas.GetProperty("ChatCompletionRequest").GetProperty("properties");
        foreach (var field in new[] { "messages", "max_completion_tokens", "max_tokens", "top_logprobs", "stream_options", "top_k" })
            Assert.True(request.TryGetProperty(field, out _), field);
        Assert.Equal(2, schemas.GetProperty("MessageContent").GetProperty("oneOf").GetArrayLength());
        Assert.Equal(2, schemas.GetProperty("StopSequences").GetProperty("oneOf").GetArrayLength());
        Assert.True(schemas.GetProperty("ErrorBody").GetProperty("properties").TryGetProperty("param", out _));
    }

    [Fact]
    public async Task SwaggerUiServesThePage()
    {
        using var response = await server.Http.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync());
    }
}
