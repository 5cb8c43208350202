using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LlavaBench.Client;

/// <summary>
/// Sends one streaming chat completion over plain HTTP and times its server-sent events. A request that
/// receives no event for <paramref name="timeout"/> is abandoned and reported as timed out.
/// </summary>
public sealed class StreamingChatClient(HttpClient http, TimeSpan timeout)
{
    /// <param name="onToken">Called for every chunk that carries generated text, for live progress.</param>
    public async Task<RequestResult> SendAsync(string body, double sentAtSeconds, Action? onToken, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        double Elapsed() => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var gaps = new List<double>();
        double? first = null, last = null;
        int promptTokens = 0, completionTokens = 0;

        RequestResult Result(RequestOutcome outcome, int status, string? error = null) => new()
        {
            Outcome = outcome,
            Status = status,
            Error = error,
            SentAtSeconds = sentAtSeconds,
            FirstTokenMs = first,
            LastTokenMs = last,
            LatencyMs = Elapsed(),
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            InterTokenMs = gaps,
        };

        using var idle = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var status = 0;
        try
        {
            idle.CancelAfter(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return Result(RequestOutcome.Rejected, status);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(linked.Token);
                return Result(RequestOutcome.Failed, status, Truncate(text));
            }

            var events = new SseEventReader(await response.Content.ReadAsStreamAsync(linked.Token));
            var usageSeen = false;
            while (true)
            {
                idle.CancelAfter(timeout);
                var data = await events.ReadAsync(linked.Token);
                if (data is null) return Result(RequestOutcome.Failed, status, "the stream ended before [DONE]");
                if (data == "[DONE]")
                {
                    return usageSeen
                        ? Result(RequestOutcome.Completed, status)
                        : Result(RequestOutcome.Failed, status, "no usage chunk before [DONE]");
                }

                using var chunk = JsonDocument.Parse(data);
                var root = chunk.RootElement;
                if (root.TryGetProperty("error", out var error))
                    return Result(RequestOutcome.Failed, status, Truncate(error.GetRawText()));
                switch (Classify(root))
                {
                    case ChunkKind.Text:
                        var now = Elapsed();
                        if (last is { } previous) gaps.Add(now - previous);
                        first ??= now;
                        last = now;
                        onToken?.Invoke();
                        break;
                    case ChunkKind.Finish when first is null:
                        // Nothing was streamed as text (held back or empty): the end is the only token time there is.
                        first = last = Elapsed();
                        break;
                }
                if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    promptTokens = usage.GetProperty("prompt_tokens").GetInt32();
                    completionTokens = usage.GetProperty("completion_tokens").GetInt32();
                    usageSeen = true;
                }
            }
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Result(RequestOutcome.TimedOut, status, $"no event for {timeout.TotalSeconds:F0} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return Result(RequestOutcome.Failed, status, e.Message);
        }
    }

    private enum ChunkKind
    {
        Other,
        Text,
        Finish,
    }

    /// <summary>
    /// Text chunks are token times. The finish chunk follows the last text chunk at once, so it is no token time
    /// of its own; the role chunk and the usage chunk are neither.
    /// </summary>
    private static ChunkKind Classify(JsonElement root)
    {
        if (!root.TryGetProperty("choices", out var choices) || choices.GetArrayLength() == 0) return ChunkKind.Other;
        var choice = choices[0];
        if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content)
            && content.ValueKind == JsonValueKind.String && content.GetString()!.Length > 0)
            return ChunkKind.Text;
        return choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String
            ? ChunkKind.Finish
            : ChunkKind.Other;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
