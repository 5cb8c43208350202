namespace LlavaServer.Cli;

/// <summary>The small model that ships with the server, so the first run needs no download.</summary>
public static class DefaultModel
{
    public const string Name = "tiny-llava-visible";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "models", Name);
}
