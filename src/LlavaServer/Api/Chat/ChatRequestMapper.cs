using System.Globalization;
using System.Text.Json;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;
using LlavaServer.Api.Contracts;
using LlavaServer.Api.Errors;
using LlavaServer.Api.Tools;
using LlavaServer.Hosting;

namespace LlavaServer.Api.Chat;

/// <summary>What a chat request asks for, checked: everything but the prompt itself.</summary>
/// <param name="Sampling">Shared by every choice; <see cref="SamplingParams.MaxTokens"/> is set once the prompt length is known.</param>
/// <param name="MaxTokens">Requested completion length, or null for the server's default.</param>
/// <param name="Render">How the chat template renders the messages (tools, prefill).</param>
/// <param name="NewToolCallReader">Set when the output is constrained to tool calls: reads one choice's text as calls.</param>
internal sealed record ChatPlan(SamplingParams Sampling, int? MaxTokens, int Choices, bool Stream, bool IncludeUsage,
    ChatRenderOptions Render, Func<IToolCallReader>? NewToolCallReader);

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
    /// <param name="templateRendersTools">Whether the chat template reads <c>tools</c> (see <see cref="ToolChoicePlanner"/>).</param>
    public static ChatPlan Plan(ChatCompletionRequest request, ServerOptions options, int vocabularySize, bool templateRendersTools)
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

        var tools = ToolChoicePlanner.Plan(request, templateRendersTools);
        var format = ResponseFormatMapper.Grammar(request.ResponseFormat);
        if (format is not null && tools.Grammar is not null)
        {
            throw ApiException.BadRequest(
                "'response_format' cannot be combined with a tool_choice that constrains the output to calls.", "response_format");
        }

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
            LogitBias = LogitBias(request.LogitBias),
            Grammar = format ?? tools.Grammar,
        };
        try
        {
            sampling.Validate(vocabularySize);
        }
        catch (ArgumentException e)
        {
            throw ApiException.FromArgument(e);
        }

        return new ChatPlan(sampling, maxTokens, choices, stream, request.StreamOptions?.IncludeUsage ?? false,
            RenderOptions(request, tools), tools.NewReader);
    }

    /// <summary>
    /// vLLM's prefill fields: <c>continue_final_message</c> continues a final assistant message and cannot be combined
    /// with <c>add_generation_prompt</c>, which (as in vLLM) defaults to true and must be turned off explicitly.
    /// </summary>
    public static ChatRenderOptions RenderOptions(bool? continueFinalMessage, bool? addGenerationPrompt,
        IReadOnlyList<ChatMessageDto>? messages, IReadOnlyList<JsonElement>? tools)
    {
        var continuing = continueFinalMessage ?? false;
        var generationPrompt = addGenerationPrompt ?? true;
        if (continuing && generationPrompt)
        {
            throw ApiException.BadRequest(
                "'continue_final_message' continues the final message, so 'add_generation_prompt' must be false.", "continue_final_message");
        }
        if (continuing && messages is { Count: > 0 } && messages[^1]?.Role != "assistant")
            throw ApiException.BadRequest("'continue_final_message' needs the final message to be an assistant message.", "messages");
        return new ChatRenderOptions(generationPrompt, continuing, tools);
    }

    private static ChatRenderOptions RenderOptions(ChatCompletionRequest request, ToolPlan tools) =>
        RenderOptions(request.ContinueFinalMessage, request.AddGenerationPrompt, request.Messages, tools.TemplateTools);

    /// <summary>OpenAI's keys are token ids written as strings; the ranges are checked with the other parameters.</summary>
    private static Dictionary<int, double>? LogitBias(Dictionary<string, double>? bias)
    {
        if (bias is null || bias.Count == 0) return null;
        var parsed = new Dictionary<int, double>(bias.Count);
        foreach (var (key, value) in bias)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                throw ApiException.BadRequest($"'logit_bias' keys must be token ids; '{key}' is not.", "logit_bias");
            parsed[id] = value;
        }
        return parsed;
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
        // OpenAI's deprecated function-calling fields; their successors are tools and tool_choice.
        if (IsSet(request.Functions)) throw Unsupported("functions", "'functions' is deprecated and not supported; use 'tools'.");
        if (IsSet(request.FunctionCall)) throw Unsupported("function_call", "'function_call' is deprecated and not supported; use 'tool_choice'.");
        if (IsSet(request.Audio)) throw Unsupported("audio", "Audio output is not supported by this server.");
        if (request.Modalities?.Any(m => m != "text") == true)
            throw Unsupported("modalities", "Only the 'text' output modality is supported.");
    }

    private static bool IsSet(JsonElement? element) => element is { ValueKind: not JsonValueKind.Null };

    private static ApiException Unsupported(string field, string message) => ApiException.BadRequest(message, field, "unsupported_parameter");
}
