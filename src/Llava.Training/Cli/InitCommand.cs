using Llava.Training.Modeling;

namespace Llava.Training.Cli;

/// <summary><c>init</c>: a randomly initialised model folder to start the stages from.</summary>
public static class InitCommand
{
    public const string Usage = """
        init --out DIR [--config FILE] [--tokenizer DIR] [--seed N]
          Writes a randomly initialised llava-hf model folder (config, weights, tokenizer, preprocessor and generation
          configs). Defaults: the shapes demo's model-config.json and tokenizer folder.
        """;

    public static int Run(CommandArguments args, TextWriter output)
    {
        var outDir = args.Required("out");
        var config = args.Text("config") ?? TrainingDataPaths.ShapesModelConfig;
        var tokenizer = args.Text("tokenizer") ?? TrainingDataPaths.ShapesTokenizer;
        var seed = args.Int("seed", 1);
        args.EnsureAllRead();
        NewModel.Create(config, tokenizer, outDir, seed);
        output.WriteLine($"init: wrote a new model to {outDir}");
        return 0;
    }
}
