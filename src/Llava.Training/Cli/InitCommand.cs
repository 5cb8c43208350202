using Llava.Training.Modeling;

namespace Llava.Training.Cli;

/// <summary><c>init</c>: a randomly initialised model folder to start the stages from.</summary>
public static class InitCommand
{
    public const string Usage = """
        init --out DIR [--config FILE] [--tokenizer DIR] [--seed N] [--neighbour-attention N]
          Writes a randomly initialised llava-hf model folder (config, weights, tokenizer, preprocessor and generation
          configs). Defaults: the shapes demo's model-config.json and tokenizer folder.
          --neighbour-attention N  the vision tower's first N layers start as 3×3 convolutions over the patch grid:
                                   each attention head reads one neighbouring patch (0: plain random, the default)
        """;

    public static int Run(CommandArguments args, TextWriter output)
    {
        var outDir = args.Required("out");
        var config = args.Text("config") ?? TrainingDataPaths.ShapesModelConfig;
        var tokenizer = args.Text("tokenizer") ?? TrainingDataPaths.ShapesTokenizer;
        var seed = args.Int("seed", 1);
        var neighbourAttention = args.Int("neighbour-attention", 0);
        args.EnsureAllRead();
        try
        {
            NewModel.Create(config, tokenizer, outDir, seed, neighbourAttention);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        output.WriteLine($"init: wrote a new model to {outDir}");
        return 0;
    }
}
