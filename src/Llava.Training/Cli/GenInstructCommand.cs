using Llava.Training.Data;
using Llava.Training.InstructGen;
using Llava.Training.Shapes;

namespace Llava.Training.Cli;

/// <summary><c>gen-instruct</c>: instruction data from captions and boxes through any OpenAI-compatible chat endpoint.</summary>
public static class GenInstructCommand
{
    public const string Usage = """
        gen-instruct --scenes FILE --out FILE --url URL --model NAME [--api-key KEY] [--types LIST] [--limit N]
                     [--concurrency N] [--retries N] [--timeout SEC] [--temperature X] [--max-tokens N]
          For every scene of scenes.json (captions + boxes, from make-data) and every type (conversation, detail,
          reasoning; comma-separated, default all), asks the chat model at URL (an OpenAI-compatible API base such as
          http://localhost:8000/v1) and writes the replies as LLaVA JSON. The key defaults to $OPENAI_API_KEY.
          Unusable replies are reported with their id and skipped.
        """;

    public static int Run(CommandArguments args, TextWriter output)
    {
        var scenesPath = args.Required("scenes");
        var outPath = args.Required("out");
        var options = new ChatEndpointOptions
        {
            BaseUrl = args.Required("url"),
            Model = args.Required("model"),
            ApiKey = args.Text("api-key") ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY"),
            MaxRetries = args.Int("retries", 3),
            Timeout = TimeSpan.FromSeconds(args.Double("timeout", 120)),
            Temperature = args.Double("temperature", 0.7),
            MaxTokens = args.Int("max-tokens", 512),
        };
        var types = (args.Text("types") ?? "conversation,detail,reasoning").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var limit = args.OptionalInt("limit");
        var concurrency = args.Int("concurrency", 4);
        args.EnsureAllRead();

        IReadOnlyList<InstructionType> parsedTypes;
        try
        {
            parsedTypes = types.Select(InstructionTypes.Parse).Distinct().ToList();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var scenes = SceneAnnotationsJson.Read(scenesPath);
        if (limit is { } n) scenes = scenes.Take(n).ToList();

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var generator = new InstructionGenerator(new ChatEndpointClient(http, options), concurrency);
        var result = generator.GenerateAsync(scenes, parsedTypes, output).GetAwaiter().GetResult();
        LlavaJson.Write(outPath, result.Records);
        IssueReport.Write(result.Issues, scenesPath, output, outPath + ".skipped.txt");
        output.WriteLine($"gen-instruct: wrote {result.Records.Count} record(s) to {outPath}, skipped {result.Issues.Count}");
        return 0;
    }
}
