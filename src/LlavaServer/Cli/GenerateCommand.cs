using System.Text.Json;
using System.Text.Json.Nodes;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;

namespace LlavaServer.Cli;

/// <summary>
/// <c>LlavaServer generate</c>: one prompt, optional images, printed as it streams (or as JSON), like
/// llama.cpp's llama-mtmd-cli. Greedy unless --temperature is given.
/// </summary>
public static class GenerateCommand
{
    public const string Usage = """
        Usage: LlavaServer generate --prompt TEXT [options]
          --model DIR          model folder in Hugging Face llava-hf layout (default: bundled tiny model)
          --image PATH         an image for the prompt (repeatable; shown before the text)
          --system TEXT        a system message
          --chat-template FILE chat template replacing the model's (a .jinja/.json file or the template text)
          --chat-template-content-format auto|string|openai
                               message content as a string or as parts (default auto: detected from the template)
          --max-tokens N       tokens to generate (default 64)
          --temperature T      0 = greedy (default 0)
          --top-p P  --top-k K  --min-p P  --repetition-penalty R
          --seed S             seed for sampling
          --top-logprobs K     report the K most likely tokens per step (with --json)
          --device D           cpu | cuda | cuda:N (default cpu)
          --dtype T            auto | float32 | bfloat16 | float16 (default auto)
          --json               print prompt tokens, generated ids, text, finish reason and logprobs as JSON
        """;

    public static async Task<int> RunAsync(ArgumentReader args, TextWriter stdout)
    {
        var prompt = args.String("prompt") ?? throw new CliException("--prompt is required\n" + Usage);
        var images = args.All("image");
        var system = args.String("system");
        var json = args.Flag("json");
        var parameters = new SamplingParams
        {
            MaxTokens = args.Int("max-tokens") ?? 64,
            Temperature = args.Double("temperature") ?? 0,
            TopP = args.Double("top-p") ?? 1,
            TopK = args.Int("top-k") ?? 0,
            MinP = args.Double("min-p") ?? 0,
            RepetitionPenalty = args.Double("repetition-penalty") ?? 1,
            Seed = args.Long("seed"),
            TopLogprobs = args.Int("top-logprobs") ?? (json ? 0 : null),
        };
        var options = new EngineOptions
        {
            ModelPath = args.String("model") ?? DefaultModel.Path,
            ChatTemplate = args.String("chat-template"),
            ChatTemplateContentFormat = ContentFormat(args.String("chat-template-content-format")),
            Device = args.String("device") ?? "cpu",
            DType = args.String("dtype") ?? "auto",
            MaxRunningSequences = 1,
        };
        args.EnsureAllUsed();

        var parts = new List<ChatContentPart>();
        foreach (var image in images)
        {
            if (!File.Exists(image)) throw new CliException($"image file not found: {image}");
            parts.Add(new ImagePart(await File.ReadAllBytesAsync(image)));
        }
        parts.Add(new TextPart(prompt));
        var messages = new List<ChatMessage>();
        if (system is not null) messages.Add(new ChatMessage("system", system));
        messages.Add(new ChatMessage("user", parts));

        using var engine = LlavaEngine.Load(options);
        var prepared = engine.Prompts.Build(messages);

        var ids = new List<int>();
        var text = new System.Text.StringBuilder();
        var steps = new JsonArray();
        FinishReason? finish = null;
        await foreach (var item in engine.GenerateAsync(prepared, parameters))
        {
            if (item.TokenId is { } id)
            {
                ids.Add(id);
                text.Append(item.Text);
                if (!json) await stdout.WriteAsync(item.Text);
                if (item.Logprobs is { } lp) steps.Add(StepJson(engine, lp));
            }
            finish ??= item.Finish;
        }

        if (json)
        {
            var result = new JsonObject
            {
                ["prompt_tokens"] = prepared.TokenIds.Count,
                ["token_ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()),
                ["text"] = text.ToString(),
                ["finish_reason"] = finish == FinishReason.Length ? "length" : "stop",
                ["steps"] = steps,
            };
            await stdout.WriteLineAsync(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            await stdout.WriteLineAsync();
        }
        return 0;
    }

    private static ChatTemplateContentFormat ContentFormat(string? value) => value switch
    {
        null or "auto" => ChatTemplateContentFormat.Auto,
        "string" => ChatTemplateContentFormat.String,
        "openai" => ChatTemplateContentFormat.OpenAI,
        _ => throw new CliException($"--chat-template-content-format must be auto, string or openai, not '{value}'"),
    };

    private static JsonObject StepJson(IGenerationEngine engine, StepLogprobs logprobs) => new()
    {
        ["id"] = logprobs.Chosen.TokenId,
        ["token"] = engine.Tokenizer.TokenText(logprobs.Chosen.TokenId),
        ["logprob"] = logprobs.Chosen.Logprob,
        ["top_logprobs"] = new JsonArray(logprobs.Top.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.TokenId,
            ["token"] = engine.Tokenizer.TokenText(t.TokenId),
            ["logprob"] = t.Logprob,
        }).ToArray()),
    };
}
