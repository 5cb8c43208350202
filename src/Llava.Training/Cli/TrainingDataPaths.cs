namespace Llava.Training.Cli;

/// <summary>Where the committed training inputs live, found from the working directory or the executable.</summary>
public static class TrainingDataPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>tokenizer.model, tokenizer_config.json (with the chat template) and special_tokens_map.json.</summary>
    public static string ShapesTokenizer => Path.Combine(Root, "training-data", "shapes", "tokenizer");

    /// <summary>The demo model's architecture (a llava-hf config.json).</summary>
    public static string ShapesModelConfig => Path.Combine(Root, "training-data", "shapes", "model-config.json");

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "training-data", "shapes")))
                    return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
