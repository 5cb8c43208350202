using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LlavaServer.Tests;

/// <summary>Every invalid request gets OpenAI's error envelope with the right status and the field at fault.</summary>
[Collection(nameof(ApiServer))]
public class ErrorTests(ApiServer server)
{
    private const string InvalidRequest = "invalid_request_error";

    private static JsonObject Hello(int maxTokens = 4) =>
        TestData.TextChat("Hello", maxTokens);

    private static JsonObject With(string field, JsonNode? value)
    {
        var body = Hello();
        body[field] = value;
        return body;
    }

    private Task<HttpResponseMessage> PostAsync(JsonNode body) => server.Http.PostAsync("/v1/chat/completions", TestData.Json(body));

    public static TheoryData<string, string, string?> BadBodies => new()
    {
        { """{"model": "tiny-llava-visible", "messages": [""", InvalidRequest, null },
        { "[1, 2]", InvalidRequest, null },
        { """{"messages": [{"role": "user", "content": "Hi"}], "temperature": "hot"}""", InvalidRequest, "temperature" },
        { """{"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2.5}""", InvalidRequest, "max_tokens" },
        { """{"messages": [{"role": "user", "content": 7}]}""", InvalidRequest, "messages[0].content" },
        { """{"messages": [{"role": "user", "content": "Hi"}], "stop": [1]}""", InvalidRequest, "stop" },
        { """{"messages": "Hi"}""", InvalidRequest, "messages" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task MalformedBodiesAre400(string raw, string type, string? param)
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", TestData.Json(raw));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, type);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    public static TheoryData<string, string, string> OutOfRange => new()
    {
        { "temperature", "2.5", "temperature" },
        { "top_p", "0", "top_p" },
        { "presence_penalty", "-3", "presence_penalty" },
        { "frequency_penalty", "9", "frequency_penalty" },
        { "repetition_penalty", "0", "repetition_penalty" },
        { "min_p", "1.5", "min_p" },
        { "n", "0", "n" },
        { "n", "100", "n" },
        { "max_tokens", "0", "max_tokens" },
        { "max_completion_tokens", "-1", "max_completion_tokens" },
        { "top_logprobs", "3", "top_logprobs" },
        { "stream_options", """{"include_usage": true}""", "stream_options" },
        { "tools", """[{"type": "function", "function": {"name": "f"}}]""", "tool_choice" },
        { "tool_choice", "\"required\"", "tool_choice" },
        { "response_format", """{"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "string", "contentMediaType": "text/html"}}}""", "response_format" },
        { "logit_bias", """{"1000000": -100}""", "logit_bias" },
        { "audio", """{"voice": "alloy", "format": "wav"}""", "audio" },
        { "modalities", """["text", "audio"]""", "modalities" },
        { "stop", """["a", ""]""", "stop" },
        { "stop", $"\"{new string('x', 257)}\"", "stop" },
        { "stop_token_ids", "[1000000]", "stop_token_ids" },
        { "stop_token_ids", "[-1]", "stop_token_ids" },
        { "stop_token_ids", $"[{string.Join(",", Enumerable.Repeat(2, 129))}]", "stop_token_ids" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task OutOfRangeOrUnsupportedParametersAre400NamingTheField(string field, string json, string param)
    {
        using var response = await PostAsync(With(field, JsonNode.Parse(json)));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, param);
    }

    [Fact]
    public async Task TopLogprobsOutOfRangeIs400()
    {
        var body = With("logprobs", true);
        body["top_logprobs"] = 21;
        using var response = await PostAsync(body);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "top_logprobs");
    }

    [Fact]
    public async Task LogprobsTimesChoicesTimesLengthIsBounded()
    {
        // 8 × 2000 × 21 entries would be a response of hundreds of megabytes.
        var body = With("logprobs", true);
        body["top_logprobs"] = 20;
        body["n"] = 8;
        body["max_tokens"] = 2000;
        using var response = await PostAsync(body);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "logprobs");

        body["max_tokens"] = 4;
        using var allowed = await PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task TemperatureJustAboveZeroGivesTheGreedyTokens()
    {
        async Task<string> ContentAsync(double temperature)
        {
            var body = Hello(maxTokens: 8);
            body["temperature"] = temperature;
            body["ignore_eos"] = true;
            using var response = await PostAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var root = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return root["choices"]![0]!["message"]!["content"]!.GetValue<string>();
        }

        var greedy = await ContentAsync(0);
        Assert.Equal(greedy, await ContentAsync(1e-30));
        Assert.Equal(greedy, await ContentAsync(1e-40));
    }

    [Fact]
    public async Task UnknownFieldsAreIgnored()
    {
        var body = Hello();
        body["metadata"] = new JsonObject { ["trace"] = "x" };
        body["store"] = false;
        body["parallel_tool_calls"] = true;
        body["tools"] = new JsonArray();
        body["response_format"] = new JsonObject { ["type"] = "text" };
        body["user"] = "user-1234";
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string> BadMessages => new()
    {
        { """[]""", "messages" },
        { """[{"role": "tool", "content": "x"}]""", "messages[0].tool_call_id" },
        { """[{"role": "function", "content": "x", "name": "f"}]""", "messages[0].role" },
        { """[{"role": "wizard", "content": "x"}]""", "messages[0].role" },
        { """[{"role": "user"}]""", "messages[0].content" },
        { """[{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "", "format": "wav"}}]}]""", "messages[0].content[0].type" },
        { """[{"role": "user", "content": [{"type": "text"}]}]""", "messages[0].content[0].text" },
        { """[{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]""", "messages[0].content[0].image_url.url" },
        { """[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,!!!notbase64"}}]}]""", "messages[0].content[0].image_url.url" },
        { """[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/tiff;base64,AAAA"}}]}]""", "messages[0].content[0].image_url.url" },
        { """[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png,rawbytes"}}]}]""", "messages[0].content[0].image_url.url" },
        { """[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "file:///etc/passwd"}}]}]""", "messages[0].content[0].image_url.url" },
        { """[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]""", "messages[0].content[0].image_url.url" },
        { """[{"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]""", "messages[0].content[0]" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task BadMessagesAre400NamingTheField(string messages, string param)
    {
        using var response = await PostAsync(With("messages", JsonNode.Parse(messages)));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, param);
    }

    [Fact]
    public async Task RemoteImagesAreRefusedByDefaultWithAClearMessage()
    {
        var body = With("messages", JsonNode.Parse("""[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://localhost/cat.png"}}]}]"""));
        using var response = await PostAsync(body);
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "messages[0].content[0].image_url.url");
        Assert.Contains("data URL", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task BytesThatAreNoImageAre400()
    {
        var notAnImage = Convert.ToBase64String(Encoding.UTF8.GetBytes("this is not an image at all, just text"));
        var body = With("messages", JsonNode.Parse($$$"""[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,{{{notAnImage}}}"}}, {"type": "text", "text": "?"}]}]"""));
        using var response = await PostAsync(body);
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "messages");
    }

    [Fact]
    public async Task PromptPlusMaxTokensOverTheContextIs400()
    {
        using var response = await PostAsync(Hello(maxTokens: 600));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "messages");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("maximum context length is 512 tokens", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task UnknownModelIs404()
    {
        using var response = await PostAsync(With("model", "gpt-4o"));
        var error = await ErrorEnvelope.AssertAsync(response, HttpStatusCode.NotFound, "not_found_error", "model");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());

        using var card = await server.Http.GetAsync("/v1/models/gpt-4o");
        await ErrorEnvelope.AssertAsync(card, HttpStatusCode.NotFound, "not_found_error", "model");
    }

    [Fact]
    public async Task UnknownRouteIs404AndWrongMethodIs405()
    {
        using var missing = await server.Http.GetAsync("/v1/completions/legacy");
        await ErrorEnvelope.AssertAsync(missing, HttpStatusCode.NotFound, "not_found_error");

        using var wrongMethod = await server.Http.GetAsync("/v1/chat/completions");
        await ErrorEnvelope.AssertAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, InvalidRequest);
    }

    [Fact]
    public async Task NonJsonContentTypeIs415()
    {
        using var response = await server.Http.PostAsync("/v1/chat/completions", new StringContent(Hello().ToJsonString(), Encoding.UTF8, "text/plain"));
        await ErrorEnvelope.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, InvalidRequest);
    }
}
