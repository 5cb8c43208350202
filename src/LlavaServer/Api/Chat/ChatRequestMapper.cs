using System.Text.Json;
using Llava.Engine.Sampling;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Hosting;

namespace LlavaServer.Api.Chat;

/// <summary>What a chat request asks for, checked: everything but the prompt itself.</summary>
/// <param name="Sampling">Shared by every choice; <see cref="SamplingParams.MaxTokens"/> is set once the prompt length is known.</param>
/// <param name="MaxTokens">Requested completion length, or null for the server's default.</param>
internal sealed record ChatPlan(SamplingParams Sampling, int? MaxTokens, int Choices, bool Stream, bool IncludeUsage);

/// <summary>
/// Checks a chat request's parameters with OpenAI's rules and wording (the field at fault is the
/// error's <c>param</c>) and maps them onto the engine's sampling parameters.
/// </summary>
internal static class ChatRequestMapper
{
    /// <summary>
    /// Most logprob entries one response may carry: n × max_tokens × (1 + top_logprobs). Each is an object with
    /// its token's bytes, so an unbounded product would make one response hundreds of megabytes.
    /// </summary>
    public const int MaxLogprobEntries = 262_144;

    /// <param name="vocabularySize">The model's; stop token ids must be below it.</param>
    public static ChatPlan Plan(ChatCompletionRequest request, ServerOptions options, int vocabularySize)
    {
        RefuseUnsupported(request);

        var maxTokens = RequestedMaxTokens(request);
        var choices = request.N ?? 1;
        if (choices < 1 || choices > options.MaxChoices)
            throw ApiException.BadRequest($"'n' must be between 1 and {options.MaxChoices}.", "n");

        var logprobs = request.Logprobs ?? false;
        if (request.TopLogprobs is not null && !logprobs)
            throw ApiException.BadRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");

        if (logprobs)
        {
            // Without max_tokens the completion is at most DefaultMaxTokens long.
            var entries = (long)choices * (maxTokens ?? options.DefaultMaxTokens) * (1 + (request.TopLogprobs ?? 0));
            if (entries > MaxLogprobEntries)
            {
                throw ApiException.BadRequest(
                    $"With 'logprobs', n × max_tokens × (1 + top_logprobs) must be at most {MaxLogprobEntries}; this request asks for {entries}. Lower 'max_tokens', 'n' or 'top_logprobs'.",
                    "logprobs");
            }
        }

        var stream = request.Stream ?? false;
        if (request.StreamOptions is not null && !stream)
            throw ApiException.BadRequest("'stream_options' is only allowed when 'stream' is true.", "stream_options");

        var sampling = new SamplingParams
        {
            Temperature = request.Temperature ?? 1.0,
            TopP = request.TopP ?? 1.0,
            TopK = request.TopK ?? 0,
            MinP = request.MinP ?? 0,
            PresencePenalty = request.PresencePenalty ?? 0,
            FrequencyPenalty = request.FrequencyPenalty ?? 0,
            RepetitionPenalty = request.RepetitionPenalty ?? 1,
            Seed = request.Seed,
            MaxTokens = maxTokens ?? 1,
            Stop = request.Stop?.Values ?? [],
            StopTokenIds = request.StopTokenIds ?? [],
            IgnoreEos = request.IgnoreEos ?? false,
            TopLogprobs = logprobs ? request.TopLogprobs ?? 0 : null,
        };
        try
        {
            sampling.Validate(vocabularySize);
        }
        catch (ArgumentException e)
        {
            throw ApiException.FromArgument(e);
        }

        return new ChatPlan(sampling, maxTokens, choices, stream, request.StreamOptions?.IncludeUsage ?? false);
    }

    /// <summary>
    /// The <paramref name="n"/> choices' parameters. With a seed, choice i uses seed + i (as vLLM does), so
    /// the choices differ yet the whole response is reproducible.
    /// </summary>
    public static IReadOnlyList<SamplingParams> PerChoice(SamplingParams sampling, int maxTokens, int n) =>
        Enumerable.Range(0, n)
            .Select(i => sampling with { MaxTokens = maxTokens, Seed = sampling.Seed is { } seed ? seed + i : null })
            .ToList();

    private static int? RequestedMaxTokens(ChatCompletionRequest request)
    {
        var (value, field) = request.MaxCompletionTokens is { } completion
            ? (completion, "max_completion_tokens")
            : (request.MaxTokens, "max_tokens");
        if (value is < 1) throw ApiException.BadRequest($"'{field}' must be at least 1.", field);
        return value;
    }

    private static void RefuseUnsupported(ChatCompletionRequest request)
    {
        if (IsSet(request.Tools) && !IsEmpty(request.Tools!.Value))
            throw Unsupported("tools", "Tool calling is not supported by this server.");
        if (IsSet(request.ToolChoice) && request.ToolChoice!.Value.ToString() != "none")
            throw Unsupported("tool_choice", "Tool calling is not supported by this server.");
        if (IsSet(request.Functions)) throw Unsupported("functions", "Function calling is not supported by this server.");
        if (IsSet(request.FunctionCall)) throw Unsupported("function_call", "Function calling is not supported by this server.");
        if (IsSet(request.LogitBias) && !IsEmpty(request.LogitBias!.Value))
            throw Unsupported("logit_bias", "'logit_bias' is not supported by this server.");
        if (IsSet(request.Audio)) throw Unsupported("audio", "Audio output is not supported by this server.");
        if (request.Modalities?.Any(m => m != "text") == true)
            throw Unsupported("modalities", "Only the 'text' output modality is supported.");
        if (request.ResponseFormat?.Type is { } format && format != "text")
            throw Unsupported("response_format", $"response_format '{format}' is not supported; only 'text' is.");
    }

    private static bool IsSet(JsonElement? element) => element is { ValueKind: not JsonValueKind.Null };

    /// <summary>SDKs send <c>[]</c> or <c>{}</c> for "none"; that asks for nothing unsupported.</summary>
    private static bool IsEmpty(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.GetArrayLength() == 0,
        JsonValueKind.Object => !element.EnumerateObject().Any(),
        _ => false,
    };

    private static ApiException Unsupported(string field, string message) => ApiException.BadRequest(message, field, "unsupported_parameter");
}
