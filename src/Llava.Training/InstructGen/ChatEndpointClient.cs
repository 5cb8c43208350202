using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Llava.Training.InstructGen;

/// <summary>A minimal client for <c>POST {base}/chat/completions</c> with retries and exponential back-off.</summary>
public sealed class ChatEndpointClient(HttpClient http, ChatEndpointOptions options)
{
    private static readonly HashSet<HttpStatusCode> Retryable =
        [HttpStatusCode.RequestTimeout, HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests];

    /// <summary>The assistant message's text for the conversation.</summary>
    /// <exception cref="ChatEndpointException">Every attempt failed, or the server refused the request outright.</exception>
    public async Task<string> CompleteAsync(IReadOnlyList<(string Role, string Content)> messages, CancellationToken cancellationToken = default)
    {
        var body = RequestBody(messages);
        var url = options.BaseUrl.TrimEnd('/') + "/chat/completions";
        string? lastError = null;
        for (var attempt = 0; attempt <= options.MaxRetries; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                if (options.ApiKey is { Length: > 0 } key)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Timeout);
                using var response = await http.SendAsync(request, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                if (response.IsSuccessStatusCode)
                    return Content(text);
                lastError = $"HTTP {(int)response.StatusCode}: {Clip(text)}";
                if (!Retryable.Contains(response.StatusCode) && (int)response.StatusCode < 500)
                    throw new ChatEndpointException(lastError);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (HttpRequestException e)
            {
                lastError = e.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = $"no response within {options.Timeout.TotalSeconds:F0} s";
            }
            catch (MalformedCompletionException e)
            {
                lastError = e.Message;
            }
            if (attempt < options.MaxRetries)
                await Task.Delay(retryAfter ?? options.RetryDelay * Math.Pow(2, attempt), cancellationToken);
        }
        throw new ChatEndpointException($"gave up after {options.MaxRetries + 1} attempt(s): {lastError}");
    }

    private string RequestBody(IReadOnlyList<(string Role, string Content)> messages)
    {
        var request = new JsonObject
        {
            ["model"] = options.Model,
            ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
            ["temperature"] = options.Temperature,
            ["max_tokens"] = options.MaxTokens,
        };
        return request.ToJsonString();
    }

    private static string Content(string body)
    {
        try
        {
            var choices = JsonNode.Parse(body)?["choices"] as JsonArray;
            var content = choices is { Count: > 0 } ? choices[0]?["message"]?["content"] : null;
            return content is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw new MalformedCompletionException($"the response has no choices[0].message.content: {Clip(body)}");
        }
        catch (JsonException)
        {
            throw new MalformedCompletionException($"the response is not JSON: {Clip(body)}");
        }
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private sealed class MalformedCompletionException(string message) : Exception(message);
}
